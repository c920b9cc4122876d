"""Chinese first, English complete: every catalogue is fully translated and compiled, and the
main pages in English show no untranslated Chinese."""

from __future__ import annotations

import gettext
import re
from pathlib import Path

import pytest
from django.urls import reverse

ROOT = Path(__file__).resolve().parents[2]
CATALOGUES = sorted(
    p for p in ROOT.glob("*/locale/en/LC_MESSAGES/django.po") if ".venv" not in p.parts
)
CATALOGUES.append(ROOT / "locale/en/LC_MESSAGES/django.po")
CJK = re.compile(r"[\u4e00-\u9fff]")


def _unescape(text: str) -> str:
    return text.replace('\\"', '"').replace("\\n", "\n")


def read_po(path: Path) -> list[tuple[str, str, bool]]:
    """(msgid, msgstr, fuzzy) for each entry but the header; enough of the PO format for this.
    A message with a context (pgettext) has the key gettext gives it: context, EOT, msgid."""
    entries, msgid, msgstr, fuzzy, field, context = [], None, None, False, None, ""
    for line in [*path.read_text(encoding="utf-8").splitlines(), ""]:
        if line.startswith("#,") and "fuzzy" in line:
            fuzzy = True
        elif line.startswith("msgctxt "):
            context = line[8:].strip('"') + "\x04"
        elif line.startswith("msgid "):
            msgid, field = line[6:].strip('"'), "id"
        elif line.startswith("msgstr "):
            msgstr, field = line[7:].strip('"'), "str"
        elif line.startswith('"') and field:
            if field == "id":
                msgid = (msgid or "") + line.strip('"')
            else:
                msgstr = (msgstr or "") + line.strip('"')
        elif not line.strip() and msgid is not None:
            if msgid:
                entries.append((context + _unescape(msgid), _unescape(msgstr or ""), fuzzy))
            msgid, msgstr, fuzzy, field, context = None, None, False, None, ""
    return entries


@pytest.mark.parametrize("path", CATALOGUES, ids=lambda p: str(p.relative_to(ROOT)))
def test_catalogue_is_complete_and_compiled(path):
    entries = read_po(path)
    assert entries, "empty catalogue"
    untranslated = [msgid for msgid, msgstr, fuzzy in entries if not msgstr or fuzzy]
    assert untranslated == []
    with open(path.with_suffix(".mo"), "rb") as handle:
        compiled = gettext.GNUTranslations(handle)
    lookup = compiled.gettext
    missing = [msgid for msgid, _s, _f in entries if CJK.search(msgid) and lookup(msgid) == msgid]
    assert missing == [], "run compilemessages"


@pytest.mark.django_db
def test_pages_in_english_have_no_untranslated_chinese(client, make_user):
    from tests.factories import MerchantFactory, TerminalFactory

    merchant = MerchantFactory(name="Green Grocer", short_name="Green", address="1 Tianhe Road")
    TerminalFactory(merchant=merchant, terminal_id="10000001")
    user = make_user("owner")
    merchant.members.add(user)
    agent = make_user("agentx", role="supervisor", agent_no="S9", display_name="Chen")
    client.cookies["django_language"] = "en"
    pages = [(None, reverse("login")), (None, reverse("hotlines"))]
    pages += [
        (user, reverse("portal")),
        (user, reverse("portal_merchant", args=[merchant.merchant_id])),
    ]
    pages += [(agent, reverse("console")), (agent, reverse("imports")), (agent, reverse("inbox"))]
    pages += [(agent, reverse("terminal_detail", args=["10000001"]))]
    for who, url in pages:
        if who:
            client.force_login(who)
        html = client.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
        text = re.sub(r"<option[^>]*>.*?</option>", "", html)  # the language menu names itself
        text = re.sub(r"<[^>]+>", " ", text)
        chinese = CJK.findall(text)
        assert not chinese, f"{url}: {''.join(chinese)[:80]}"


GETTEXT_NAMES = {"_", "gettext", "gettext_lazy", "pgettext", "pgettext_lazy"}
TEMPLATE_TRANS = re.compile(
    r"""\{%\s*trans(?:late)?\s+(?:"([^"]*)"|'([^']*)')(?:\s+context\s+"([^"]*)")?"""
)
SKIP_DIRS = {".venv", "tests", "migrations", "node_modules", "var"}


def _sources(suffix: str) -> list[Path]:
    return [
        p for p in ROOT.rglob(f"*{suffix}") if not SKIP_DIRS.intersection(p.relative_to(ROOT).parts)
    ]


def _python_msgids(path: Path) -> list[tuple[str, int]]:
    import ast

    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if not isinstance(node, ast.Call) or not node.args:
            continue
        func = node.func
        name = func.id if isinstance(func, ast.Name) else getattr(func, "attr", "")
        context = ""
        if name.startswith("pgettext") and len(node.args) > 1:
            context = f"{getattr(node.args[0], 'value', '')}\x04"
        first = node.args[1] if context else node.args[0]
        literal = first.value if isinstance(first, ast.Constant) else None
        if name in GETTEXT_NAMES and isinstance(literal, str) and literal:
            found.append((context + literal, node.lineno))
    return found


def test_every_message_in_the_code_has_an_english_translation():
    """What `makemessages` would add to a catalogue is there already, translated: a message
    added to the code without its English shows Chinese on an English page. (Python messages
    through the AST, template messages from {% trans %}; each found in some catalogue, since
    Django looks in all of them.)"""
    translated = {
        msgid
        for path in CATALOGUES
        for msgid, msgstr, fuzzy in read_po(path)
        if msgstr and not fuzzy
    }
    missing = []
    for path in _sources(".py"):
        for msgid, line in _python_msgids(path):
            if msgid not in translated:
                missing.append(f"{path.relative_to(ROOT)}:{line}: {msgid}")
    for path in _sources(".html"):
        for match in TEMPLATE_TRANS.finditer(path.read_text(encoding="utf-8")):
            msgid = match.group(1) if match.group(1) is not None else match.group(2)
            msgid = msgid.replace("%", "%%")  # as Django's {% trans %} looks it up
            if match.group(3):
                msgid = f"{match.group(3)}\x04{msgid}"
            if msgid and msgid not in translated:
                missing.append(f"{path.relative_to(ROOT)}: {msgid}")
    assert missing == [], "add them to the app's catalogue (makemessages -l en)"


def test_one_message_has_one_english_in_every_catalogue():
    """Django merges the catalogues and the first app's English wins on every page: a msgid
    that two apps translate differently shows one app's wording in the other's context (a
    campaign's "暂停" button read "Paused"). A message with two meanings takes a context
    (pgettext; `{% translate … context "…" %}`)."""
    english: dict[str, dict[str, str]] = {}
    for path in CATALOGUES:
        for msgid, msgstr, _fuzzy in read_po(path):
            english.setdefault(msgid, {})[str(path.relative_to(ROOT))] = msgstr
    differing = {
        msgid.replace("\x04", " | "): by_catalogue
        for msgid, by_catalogue in english.items()
        if len(set(by_catalogue.values())) > 1
    }
    assert differing == {}
