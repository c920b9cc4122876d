"""What is evidence: the kinds of record the ledger logs, and which of their fields.

Each kind names a model and the fields that make up its entry. Only facts are logged, never
housekeeping (reminder times, caches): a transaction's `status` and `original` are left out
because they follow from the reversal or void that is itself logged. The fields are read back
from the database (`values()`), so what is logged is exactly what the audit later reads.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.apps import apps
from django.db import models
from django.utils.translation import gettext_lazy as _

Row = dict[str, Any]


@dataclass(frozen=True)
class EvidenceKind:
    name: str
    model_label: str
    fields: tuple[str, ...]
    label: Any  # lazy translation
    merchant: str | None = None  # values() key holding the merchant id
    owner: str | None = None  # values() key holding the owning user's id
    merchant_visible: Callable[[Row], bool] = lambda row: True
    only: Callable[[Row], bool] = lambda row: True  # which rows are evidence at all

    @property
    def model(self) -> type[models.Model]:
        return apps.get_model(self.model_label)

    @property
    def columns(self) -> tuple[str, ...]:
        """What to read with values(): the fields plus what scoping needs."""
        extra = [name for name in (self.merchant, self.owner) if name and name not in self.fields]
        return ("id", *self.fields, *extra)


KINDS: dict[str, EvidenceKind] = {}
_BY_MODEL: dict[str, EvidenceKind] = {}


def register(kind: EvidenceKind) -> None:
    KINDS[kind.name] = kind
    _BY_MODEL[kind.model_label] = kind


def kind_of(model: type[models.Model]) -> EvidenceKind | None:
    return _BY_MODEL.get(model._meta.label)


_AS_IS = frozenset({str, int, bool, type(None)})


def plain(value: Any) -> Any:
    """A database value as JSON (RFC 8785 input): times in UTC with microseconds."""
    kind = type(value)
    if kind in _AS_IS:
        return value
    if kind is dt.datetime or (kind is not dt.date and isinstance(value, dt.datetime)):
        if value.tzinfo is not dt.UTC:
            value = (
                value.replace(tzinfo=dt.UTC) if value.tzinfo is None else value.astimezone(dt.UTC)
            )
        return value.replace(tzinfo=None).isoformat(timespec="microseconds") + "Z"
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, memoryview | bytes):
        return bytes(value).hex()
    if isinstance(value, dict):
        return {str(key): plain(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [plain(item) for item in value]
    if hasattr(value, "as_tuple"):  # Decimal
        return str(value)
    return value


def fields_of(kind: EvidenceKind, row: Row) -> dict[str, Any]:
    return {name: plain(row[name]) for name in kind.fields}


_LOGGED_EVENTS = {"created", "status", "escalated", "priority", "assigned", "merged"}

register(
    EvidenceKind(
        "interaction",
        "desk.Interaction",
        (
            "ticket_id",
            "kind",
            "channel",
            "direction",
            "is_public",
            "author_id",
            "agent_no",
            "author_label",
            "body",
            "outcome",
            "created_at",
        ),
        _("沟通记录"),
        merchant="ticket__merchant_id",
        merchant_visible=lambda row: bool(row["is_public"]),
    )
)
register(
    EvidenceKind(
        "ticket_event",
        "desk.TicketEvent",
        ("ticket_id", "kind", "from_status", "to_status", "reason", "data", "actor_id", "at"),
        _("工单状态与层级变更"),
        merchant="ticket__merchant_id",
        only=lambda row: row["kind"] in _LOGGED_EVENTS,
    )
)
register(
    EvidenceKind(
        "commitment",
        "desk.Commitment",
        (
            "ticket_id",
            "owner_id",
            "promise",
            "due_at",
            "status",
            "created_by_id",
            "created_at",
            "done_at",
        ),
        _("承诺"),
        merchant="ticket__merchant_id",
    )
)
register(
    EvidenceKind(
        "contact_attempt",
        "outreach.ContactAttempt",
        (
            "merchant_id",
            "request_id",
            "purpose",
            "channel",
            "registered_number_id",
            "from_number",
            "to_address",
            "agent_id",
            "agent_no",
            "occurred_at",
            "outcome",
            "summary",
            "verification_code",
        ),
        _("联系记录"),
        merchant="merchant_id",
    )
)
register(
    EvidenceKind(
        "assistant_message",
        "assistant.Message",
        ("conversation_id", "direction", "text", "intent", "action", "created_at"),
        _("智能助手消息"),
        owner="conversation__user_id",
    )
)
TRANSACTION_FIELDS = (
    "merchant_id",
    "terminal_id",
    "txn_type",
    "amount",
    "currency",
    "pan_masked",
    "card_brand",
    "entry_mode",
    "local_time",
    "txn_date",
    "stan",
    "batch_no",
    "rrn",
    "auth_code",
    "response_code",
    "settlement_date",
    "source",
)
register(
    EvidenceKind(
        "transaction", "payments.Transaction", TRANSACTION_FIELDS, _("交易"), merchant="merchant_id"
    )
)
register(
    EvidenceKind(
        "payout",
        "payments.Payout",
        (
            "merchant_id",
            "payout_date",
            "period_start",
            "period_end",
            "amount",
            "txn_count",
            "status",
            "reason",
            "note",
            "bank_reference",
        ),
        _("付款"),
        merchant="merchant_id",
    )
)
register(
    EvidenceKind(
        "investigation",
        "payments.Investigation",
        (
            "merchant_id",
            "transaction_id",
            "business_date",
            "verdict",
            "expected_date",
            "summary_zh",
            "summary_en",
            "findings",
            "ticket_id",
            "opened_by_id",
            "created_at",
        ),
        _("调查结论"),
        merchant="merchant_id",
    )
)
register(
    EvidenceKind(
        "dispute",
        "payments.DisputeCase",
        (
            "merchant_id",
            "first_transaction_id",
            "duplicate_transaction_id",
            "amount",
            "status",
            "evidence",
            "ticket_id",
            "opened_by_id",
            "created_at",
        ),
        _("重复扣款争议"),
        merchant="merchant_id",
    )
)
register(
    EvidenceKind(
        "chargeback_case",
        "chargebacks.Case",
        (
            "number",
            "kind",
            "status",
            "merchant_id",
            "transaction_id",
            "reason_code",
            "deadline",
            "description",
            "outcome_note",
            "ticket_id",
            "opened_by_id",
            "created_at",
        ),
        _("争议与盗刷案件"),
        merchant="merchant_id",
    )
)
register(
    EvidenceKind(
        "chargeback_evidence",
        "chargebacks.Evidence",
        (
            "case_id",
            "original_name",
            "content_type",
            "size",
            "sha256",
            "note",
            "uploaded_by_id",
            "created_at",
        ),
        _("案件材料"),
        merchant="case__merchant_id",
    )
)
