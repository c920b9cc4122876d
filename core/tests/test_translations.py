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
    """(msgid, msgstr, fuzzy) for each entry but the header; enough of the PO format for this."""
    entries, msgid, msgstr, fuzzy, field = [], None, None, False, None
    for line in [*path.read_text(encoding="utf-8").splitlines(), ""]:
        if line.startswith("#,") and "fuzzy" in line:
            fuzzy = True
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
                entries.append((_unescape(msgid), _unescape(msgstr or ""), fuzzy))
            msgid, msgstr, fuzzy, field = None, None, False, None
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
