"""Every URL pattern and API endpoint, walked from the resolver, with merchant A's data in the
URL: an anonymous visitor, charlie (no merchant) and bob (merchant B) are turned away — login
redirect, 401, 403, 404 or 405 — and no response ever shows merchant A's data.

A new URL fails here until its parameters are described in `OBJECT_OF_KWARG` / `OBJECT_OF_PK`;
a page that answers 200 to those users must be in `OPEN_PAGES` with the reason.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest
from django.core.files.base import ContentFile
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

pytestmark = pytest.mark.django_db

SECRET = "阿香机密7Q"  # placed in every free-text field of merchant A's rows

# Pages that answer 200 to anonymous visitors, charlie and bob — with why that is safe. They
# still must not show merchant A's data (checked for every page).
OPEN_PAGES = {
    "home": "redirects or shows the landing page; no merchant data",
    "login": "the login form",
    "password_change": "the signed-in user's own password",
    "password_change_done": "static text",
    "logout": "logging out",
    "password_reset": "the password reset form (Django's)",
    "password_reset_done": "static text",
    "password_reset_confirm": "an invalid token shows Django's 'link invalid' page",
    "password_reset_complete": "static text",
    "set_language": "switches the language cookie",
    "api-root": "DRF's list of endpoint URLs",
    "api_token": "token login form; no data without a password",
    "hotlines": "official hotlines are public reference data",
    "status": "declared outages are announcements to everyone (title, region, message, ETA)",
    "verify_contact": "anyone may check whether a caller is really us (only own contacts shown)",
    "api_verify_contact": "the same check for the API",
    "api/verify-contact/": "the same check for the API (with a trailing slash)",
    "scam_report_new": "anyone signed in may report a suspicious call",
    "response-code-list": "the response code table is public reference data",
    "response-code-detail": "one response code, public reference data",
    "settlement-eta": "settlement calendar arithmetic; transactions only through visible_to",
    "duplicate-charges": "lists only the user's own merchants' transactions",
    "api_assistant_messages": "the assistant answers anyone; conversations are per user/session",
    "assistant_chat": "the assistant answers anyone; conversations are per user/session",
    "assistant_send": "the assistant answers anyone; conversations are per user/session",
    "assistant_new": "starts the user's own conversation",
    "assistant_poll": "the visitor's own conversation (by user or session): an agent's lines",
    # Lists scoped by visible_to: a signed-in user sees their own rows (none of A's).
    "portal": "the user's own merchants",
    "portal_tickets": "the user's own tickets",
    "portal_new_ticket": "a form listing the user's own merchants",
    "portal_transactions": "the user's own transactions",
    "payouts": "the user's own payouts",
    "investigate_day": "a form over the user's own merchants",
    "contact_history": "the user's own contact log",
    "inbox": "the user's own notifications",
    "notification_preferences": "the user's own preferences",
    "ticket-list": "the user's own tickets (API)",
    "transaction-list": "the user's own transactions (API)",
    "investigation-list": "the user's own investigations (API)",
    "payout-list": "the user's own payouts (API)",
    "dispute-list": "the user's own dispute cases (API)",
    "contact-log-list": "the user's own contact log (API)",
    "scam-report-list": "the user's own scam reports (API)",
    "merchant-list": "the user's own merchants (API)",
    "terminal-list": "the user's own terminals (API)",
    "export": "exports what the user may see (visible_to)",
    "ledger_home": "the ledger's public verifier keys and latest checkpoint (no record data)",
    "ledger_checkpoint": "the latest signed checkpoint: a tree size and a root hash",
    "api_ledger_checkpoint": "the latest signed checkpoint (API)",
    "api_ledger_inclusion": "an inclusion proof: hashes only, no entry content",
    "api_ledger_consistency": "a consistency proof: hashes only",
    "help_home": "the public help centre: published articles only",
    "help_article": "a published help-centre article (drafts are 404); quiz attempts per user",
    "portal_team": "the owner's own team (others: 403)",
    "portal_team_activity": "what happened in the owner's own merchants (others: 403)",
    "portal_cases": "the user's own merchants' cases",
    "report_fraud": "a form listing the user's own merchants",
    "statements": "links to the user's own merchants' statements",
}

# What a URL parameter names; `pk` depends on the URL (OBJECT_OF_PK).
OBJECT_OF_KWARG = {
    "merchant_id": lambda w: w["merchant"].merchant_id,
    "terminal_id": lambda w: w["terminal"].terminal_id,
    "number": lambda w: w["ticket"].number,
    "code": lambda w: "51",
    "format": lambda w: "json",
    "action": lambda w: "comment",
    "kind": lambda w: "merchants",
    "provider": lambda w: "generic",
    "adapter": lambda w: "paxstore",
    "key": lambda w: w["call"].integration.key,
    "uidb64": lambda w: "MQ",
    "token": lambda w: "set-password",
    "evidence_kind": lambda w: "transaction",
    "record": lambda w: w["transaction"].pk,
    "index": lambda w: ledger_index(w["transaction"]),
    "slug": lambda w: w["draft_article"].slug,
    "case_no": lambda w: w["case"].number,
    "period": lambda w: "2025-09",
    "fmt": lambda w: "csv",
}


def ledger_index(record) -> int:
    """The ledger index of merchant A's transaction (sequenced on demand)."""
    from ledger import log
    from ledger.models import LedgerEntry

    log.sequence_all()
    index = LedgerEntry.objects.get(kind="transaction", record_id=record.pk).index
    assert index is not None
    return index


OBJECT_OF_PK = {
    "transaction-detail": "transaction",
    "transaction-investigate": "transaction",
    "transaction-settlement": "transaction",
    "transaction_detail": "transaction",
    "investigate_transaction": "transaction",
    "investigation-detail": "investigation",
    "investigation_detail": "investigation",
    "payout-detail": "payout",
    "dispute-detail": "dispute",
    "contact-request-detail": "request",
    "outreach_request": "request",
    "contact-log-detail": "attempt",
    "scam-report-detail": "scam_report",
    "scam-report-review": "scam_report",
    "import_job": "import_job",
    "import_job_errors": "import_job",
    "desk_outage": "outage",
    "desk_attachment": "attachment",
    "assistant_transcript": "conversation",
    "assistant_live": "conversation",
    "assistant_release": "conversation",
    "assistant_agent_reply": "conversation",
    "assistant_take_over": "conversation",
    "assistant_article_edit": "draft_article",
    "call_task": "call_task",
    "complaint_resolve": "complaint",
    "campaign_detail": "campaign",
    "notification_read": "notification",
    "calls_attach": "call",
    "fleet_outage_confirm": "outage_proposal",
    "fleet_outage_dismiss": "outage_proposal",
    "fleet_campaign": "fleet_campaign",
    "fleet_campaign_start": "fleet_campaign",
    "fleet_campaign_pause": "fleet_campaign",
    "fleet_campaign_resume": "fleet_campaign",
    "portal_team_member": "membership",
    "portal_team_invite_revoke": "team_invite",
    "case_evidence": "case_evidence",
}
DENIED = {302, 401, 403, 404, 405}


def url_patterns(patterns=None, prefix: str = "") -> Iterator[tuple[str, URLPattern]]:
    for entry in get_resolver().url_patterns if patterns is None else patterns:
        if isinstance(entry, URLResolver):
            yield from url_patterns(entry.url_patterns, prefix + str(entry.pattern))
        else:
            yield prefix + str(entry.pattern), entry


def url_for(route: str, entry: URLPattern, world: dict) -> str:
    """The URL of a pattern filled with merchant A's objects."""
    names = list(entry.pattern.regex.groupindex)
    kwargs = {}
    for name in names:
        if name == "pk":
            assert entry.name in OBJECT_OF_PK, f"{route}: say which object its pk is (OBJECT_OF_PK)"
            kwargs[name] = world[OBJECT_OF_PK[entry.name]].pk
        else:
            assert name in OBJECT_OF_KWARG, f"{route}: describe parameter {name!r}"
            kwargs[name] = OBJECT_OF_KWARG[name](world)
    if entry.name is None:
        return "/" + route
    return reverse(entry.name, kwargs=kwargs)


def _fleet_campaign(supervisor, terminal_a):
    """An update campaign over merchant A's terminal (supervisors only)."""
    from fleet.models import CampaignTarget, UpdateCampaign

    campaign = UpdateCampaign.objects.create(
        name=SECRET, target="firmware", version="V2.0", stages=[1.0], created_by=supervisor
    )
    CampaignTarget.objects.create(
        campaign=campaign, terminal=terminal_a, stage=1, quiet_hour=3, previous_version=SECRET
    )
    return campaign


@pytest.fixture
def world(alice, agent, technician, supervisor, merchant_a, terminal_a):
    from assistant.models import Article, Conversation, Message
    from core.models import ImportJob
    from desk.defaults import ensure_defaults
    from desk.models import Attachment, Outage
    from desk.services import open_ticket
    from directory.models import RegisteredNumber
    from fleet.models import OutageProposal
    from notifications.models import Notification
    from outreach.models import CallTask, Campaign, ContactAttempt
    from outreach.services import ask_for_fewer_contacts, file_request, report_scam
    from payments.models import DisputeCase, Investigation
    from payments.tests.factories import PayoutFactory, TransactionFactory
    from tests.factories import ContactFactory

    ensure_defaults()
    ContactFactory(merchant=merchant_a, phone="+8613800001111", email="owner@a.example.cn")
    ticket = open_ticket(
        merchant=merchant_a,
        terminal=terminal_a,
        category="printer_paper",
        description=SECRET,
        channel="portal",
        opened_by=alice,
    )
    # An outage's title and message are announcements to everyone (the public status page,
    # the portal banner of every merchant in its region): no secret in them.
    outage = Outage.objects.create(
        title="全国交易故障", kind="network", public_message="正在抢修", created_by=agent
    )
    ticket.outage = outage
    ticket.save(update_fields=["outage"])
    attachment = Attachment.objects.create(
        ticket=ticket,
        file=ContentFile(b"\xff\xd8\xff" + b"0" * 64, name="receipt.jpg"),
        original_name=f"{SECRET}.jpg",
        content_type="image/jpeg",
        size=67,
        uploaded_by=alice,
    )
    txn = TransactionFactory(terminal=terminal_a)
    twin = TransactionFactory(terminal=terminal_a)
    investigation = Investigation.objects.create(
        merchant=merchant_a,
        transaction=txn,
        business_date=txn.txn_date,
        verdict="paid",
        summary_zh=SECRET,
        summary_en=SECRET,
        next_step_zh=SECRET,
        next_step_en=SECRET,
    )
    dispute = DisputeCase.objects.create(
        merchant=merchant_a, first_transaction=txn, duplicate_transaction=twin, amount=txn.amount
    )
    conversation = Conversation.objects.create(user=alice, merchant=merchant_a)
    Message.objects.create(conversation=conversation, direction="in", text=SECRET)
    draft = Article.objects.create(
        slug="draft", title_zh=SECRET, title_en=SECRET, body_zh=SECRET, body_en=SECRET
    )
    Article.objects.filter(pk=draft.pk).update(is_published=False)
    request = file_request(
        merchant=merchant_a,
        purpose="risk_alert",
        urgency="high",
        channels=["inbox", "sms", "phone"],
        subject=SECRET,
        content=SECRET,
        requested_by=agent,
    )
    from chargebacks.models import Evidence
    from chargebacks.services import open_case
    from merchants.models import Membership
    from merchants.team import invite

    case = open_case("chargeback", merchant_a, by=agent, transaction_row=txn, description=SECRET)
    return {
        "case": case,
        "case_evidence": Evidence.objects.create(
            case=case,
            file=ContentFile(b"\xff\xd8\xff" + b"0" * 64, name="slip.jpg"),
            original_name=f"{SECRET}.jpg",
            content_type="image/jpeg",
            size=67,
            uploaded_by=alice,
        ),
        "membership": Membership.objects.get(user=alice, merchant=merchant_a),
        "team_invite": invite(merchant_a, by=alice, role="manager", name=SECRET)[0],
        "call": phone_call(merchant_a, ticket),
        "merchant": merchant_a,
        "terminal": terminal_a,
        "ticket": ticket,
        "outage": outage,
        "attachment": attachment,
        "transaction": txn,
        "payout": PayoutFactory(merchant=merchant_a),
        "investigation": investigation,
        "dispute": dispute,
        "conversation": conversation,
        "draft_article": draft,
        "outage_proposal": OutageProposal.objects.create(
            dimension="region",
            key=SECRET,
            codes=["96"],
            window_start=timezone.now() - dt.timedelta(hours=1),
            window_end=timezone.now(),
            failures=30,
            terminal_count=5,
            merchant_ids=[merchant_a.merchant_id],
        ),
        "fleet_campaign": _fleet_campaign(supervisor, terminal_a),
        "request": request,
        # Within calling hours the request already made its call task; at night it did not.
        "call_task": CallTask.objects.filter(request=request).first()
        or CallTask.objects.create(
            request=request,
            merchant=merchant_a,
            phone="+8613800001111",
            registered_number=RegisteredNumber.objects.filter(is_active=True).first(),
            verification_code="K7Q4PM",
        ),
        "attempt": ContactAttempt.objects.create(
            merchant=merchant_a,
            request=request,
            purpose="risk_alert",
            channel="inbox",
            outcome="sent",
            summary=SECRET,
        ),
        "complaint": ask_for_fewer_contacts(merchant_a, user=alice, note=SECRET),
        "scam_report": report_scam(reporter=alice, number="17100001234", message=SECRET),
        "campaign": Campaign.objects.create(
            name=SECRET,
            purpose="survey",
            channels=["inbox"],
            subject=SECRET,
            content=SECRET,
            created_by=supervisor,
        ),
        "notification": Notification.objects.create(
            recipient=alice, merchant=merchant_a, event="x", subject=SECRET, body=SECRET
        ),
        "import_job": ImportJob.objects.create(
            kind="merchants",
            file=ContentFile(b"merchant_id\n", name="m.csv"),
            original_name=SECRET,
            created_by=supervisor,
            finished_at=timezone.now(),
        ),
    }


def phone_call(merchant, ticket) -> object:
    """A call from merchant A, through an integration of its acquirer's phone system."""
    from channels.models import Call, Integration
    from directory.models import Institution

    institution, _created = Institution.objects.get_or_create(
        code="inst-walk", defaults={"name": SECRET, "kind": "acquirer"}
    )
    integration = Integration.objects.create(
        key="pbx-walk", name=SECRET, kind="phone_system", institution=institution
    )
    return Call.objects.create(
        integration=integration,
        external_id="walk-1",
        caller="+8613800001111",
        state="ended",
        merchant=merchant,
        ticket=ticket,
    )


def markers(world: dict) -> list[str]:
    merchant = world["merchant"]
    return [SECRET, merchant.merchant_id, merchant.name, world["ticket"].number, "A920SN0001"]


def problem_with(response, key: str, anonymous: bool, secrets: list[str]) -> str:
    """What is wrong with this answer to an outsider, or "" when nothing is."""
    body = b"".join(response) if response.streaming else response.content
    leaked = [s for s in secrets if s in body.decode("utf-8", "replace")]
    if leaked:
        return f"shows {leaked}"
    status = response.status_code
    if status >= 500:
        return f"{status}"
    if key in OPEN_PAGES:
        return ""
    if status == 302 and anonymous and "/accounts/login/" not in response["Location"]:
        return f"redirects to {response['Location']}, not to the login page"
    return "" if status in DENIED else f"{status}"


def test_every_url_turns_away_other_users(client, world, bob, charlie):
    secrets = markers(world)
    problems = []
    client.raise_request_exception = False  # a 500 is reported with the others
    for route, entry in url_patterns():
        if route.startswith("admin/"):
            continue  # Django admin: is_staff only (supervisors, admins), Django's own checks
        url = url_for(route, entry, world)
        for user in (None, charlie, bob):
            client.logout()
            if user is not None:
                client.force_login(user)
            for method in ("get", "post"):
                response = getattr(client, method)(url)
                problem = problem_with(response, entry.name or route, user is None, secrets)
                if problem:
                    who = getattr(user, "username", "anonymous")
                    problems.append(f"{method.upper()} {url} as {who}: {problem}")
    assert not problems, "\n".join(problems)


def test_uploads_are_not_served_unscoped_even_in_debug(settings):
    """Receipt photos go out only through the scoped attachment view, also in the demo."""
    import importlib

    import poscare.urls

    settings.DEBUG = True
    try:
        module = importlib.reload(poscare.urls)
        views = {entry.callback for _route, entry in url_patterns(module.urlpatterns)}
    finally:
        settings.DEBUG = False
        importlib.reload(poscare.urls)
    from django.views.static import serve

    assert serve not in views
