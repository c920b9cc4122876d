"""Outage detection: system/issuer failures (96, 91) that cluster across terminals sharing a
region, an issuer (card BIN), a channel (how the terminal connects) or a firmware version
within a window are proposed as a master incident. A supervisor confirms: the desk declares
the outage, links the affected merchants' open tickets, and each affected merchant hears of it
once (the desk's outage machinery).

Correlated groupings (one city's terminals also share card BINs, firmware lines and
carriers) would propose the same incident several times; the group that explains the most
failures (then the most concentrated one) wins and groups whose failures it already covers
are dropped.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from typing import TYPE_CHECKING, Any

from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.errors import BilingualError, in_both_languages, lazy_format
from fleet.models import OutageProposal

if TYPE_CHECKING:
    from accounts.models import User
    from desk.models import Outage

WINDOW = dt.timedelta(hours=2)
CODES = ("96", "91")
MIN_TERMINALS, MIN_MERCHANTS, MIN_SHARE = 5, 3, 0.3
COVERED = 0.8
OUTAGE_NOTICE = _(
    "您所在地区的交易系统正在发生故障（应答码 96/91），不是您的终端问题；恢复后我们会通知您。"
)


class OutageError(BilingualError):
    pass


def _keys(row: Any) -> dict[str, str]:
    return {
        "region": (row["merchant__region_code"] or "")[:4],
        "issuer": (row["pan_masked"] or "")[:6],
        "channel": row["terminal__comm_type"] or "",
        "firmware": row["terminal__firmware_version"] or "",
    }


def find_clusters(now: dt.datetime) -> list[dict[str, Any]]:
    """Groups of the window's transactions where 96/91 failures cluster, best first."""
    from payments.models import Transaction

    start = now - WINDOW
    rows = Transaction.objects.filter(
        # The date (the merchant's local date) lets PostgreSQL skip other months' partitions.
        txn_date__gte=timezone.localtime(start).date() - dt.timedelta(days=1),
        local_time__gte=start,
        local_time__lt=now,
    ).values(
        "pk",
        "terminal_id",
        "merchant_id",
        "response_code",
        "pan_masked",
        "merchant__region_code",
        "terminal__comm_type",
        "terminal__firmware_version",
    )
    groups: dict[tuple[str, str], dict[str, Any]] = defaultdict(
        lambda: {"total": 0, "failed": set(), "terminals": set(), "merchants": set()}
    )
    for row in rows:
        failed = row["response_code"] in CODES
        for dimension, key in _keys(row).items():
            if not key:
                continue
            group = groups[(dimension, key)]
            group["total"] += 1
            if failed:
                group["failed"].add(row["pk"])
                group["terminals"].add(row["terminal_id"])
                group["merchants"].add(row["merchant_id"])
    clusters = []
    for (dimension, key), group in groups.items():
        share = len(group["failed"]) / group["total"]
        if (
            len(group["terminals"]) >= MIN_TERMINALS
            and len(group["merchants"]) >= MIN_MERCHANTS
            and share >= MIN_SHARE
        ):
            clusters.append({"dimension": dimension, "key": key, "share": share, **group})
    # The grouping that explains the most failures, then the most concentrated one, wins.
    clusters.sort(key=lambda c: (-len(c["failed"]), -c["share"]))
    kept: list[dict[str, Any]] = []
    for cluster in clusters:
        if any(
            len(cluster["failed"] & k["failed"]) >= COVERED * len(cluster["failed"]) for k in kept
        ):
            continue
        kept.append(cluster)
    return kept


def propose_outages(now: dt.datetime | None = None) -> list[OutageProposal]:
    """Record each new cluster as a proposal (one open proposal per dimension and key)."""
    now = now or timezone.now()
    proposals = []
    for cluster in find_clusters(now):
        try:
            with transaction.atomic():
                proposals.append(
                    OutageProposal.objects.create(
                        dimension=cluster["dimension"],
                        key=cluster["key"],
                        codes=list(CODES),
                        window_start=now - WINDOW,
                        window_end=now,
                        failures=len(cluster["failed"]),
                        terminal_count=len(cluster["terminals"]),
                        merchant_ids=sorted(cluster["merchants"]),
                    )
                )
        except IntegrityError:
            continue  # already proposed and waiting for a supervisor
    return proposals


def proposal_title(proposal: OutageProposal) -> Any:
    """The proposed incident's title, in the reader's language when shown (a lazy text)."""
    return lazy_format(
        _("%(dimension)s %(key)s：交易系统故障（96/91）"),
        dimension=proposal.get_dimension_display(),
        key=proposal.key,
    )


@transaction.atomic
def confirm_proposal(proposal: OutageProposal, *, by: User, message: str = "") -> Outage:
    """A supervisor confirms: declare the desk outage, link tickets, tell each merchant once."""
    from desk.models import Outage, Ticket
    from desk.notify import notify_merchant
    from desk.services import declare_outage, link_to_outage, update_outage
    from merchants.models import Merchant

    if not getattr(by, "is_supervisor", False):
        raise OutageError(_("只有主管可以确认故障"))
    proposal = OutageProposal.objects.select_for_update().get(pk=proposal.pk)
    if proposal.status != OutageProposal.Status.PROPOSED:
        raise OutageError(_("这条提议已经处理过了"))
    # The supervisor's own words stay as written; our standard notice goes out in both languages.
    notice = in_both_languages(OUTAGE_NOTICE)
    text = message.strip() or notice["zh"]
    text_en = "" if message.strip() else notice["en"]
    title = in_both_languages(proposal_title(proposal))
    outage = declare_outage(
        title=title["zh"],
        title_en=title["en"],
        kind=Outage.Kind.NETWORK,
        public_message=text,
        public_message_en=text_en,
        by=by,
        region_code=proposal.key if proposal.dimension == "region" else "",
    )
    tickets = Ticket.objects.filter(merchant_id__in=proposal.merchant_ids, is_open=True)
    link_to_outage(tickets, outage, by=by)
    # One notice to each merchant with a ticket, then one to each of the others.
    update_outage(outage, message=text, message_en=text_en, by=by)
    with_tickets = set(tickets.values_list("merchant_id", flat=True))
    for merchant in Merchant.objects.filter(pk__in=proposal.merchant_ids).exclude(
        pk__in=with_tickets
    ):
        notify_merchant(
            merchant,
            event="desk.outage_update",
            subject=outage.shown_title,
            body=outage.shown_message,
            link=reverse("portal_tickets"),
            dedupe_key=f"outage:{outage.pk}:update:{outage.update_count + 1}",
        )
    proposal.status, proposal.outage, proposal.decided_by = (
        OutageProposal.Status.CONFIRMED,
        outage,
        by,
    )
    proposal.save(update_fields=["status", "outage", "decided_by"])
    return outage


def dismiss_proposal(proposal: OutageProposal, *, by: User) -> None:
    if not getattr(by, "is_supervisor", False):
        raise OutageError(_("只有主管可以确认故障"))
    OutageProposal.objects.filter(pk=proposal.pk, status=OutageProposal.Status.PROPOSED).update(
        status=OutageProposal.Status.DISMISSED, decided_by=by
    )
