"""Writes on the desk, one module per concern; every function is atomic and sends its
notifications on commit.

Other apps call `open_ticket` (payments' funds-not-arrived investigations, the assistant's
hand-off) and `do_add_commitment` (the assistant's call-back promises out of staffed hours).
Entry points that staff call check the actor first (`accounts.permissions.check_staff`);
their `do_*` twin writes without the check, for the system acting on a merchant's behalf.
Every public name is importable from `desk.services`.
"""

from desk.services.attachments import attach_file, validate_attachment
from desk.services.commitments import add_commitment, complete_commitment, do_add_commitment
from desk.services.common import (
    DEFAULT_PRIORITY,
    MAX_ATTACHMENT_BYTES,
    TIER_ORDER,
    DeskError,
    ticket_link,
)
from desk.services.complaints import escalate_from_portal, why_not_escalate
from desk.services.field import dispatch_visit, record_visit_outcome, replace_terminal
from desk.services.intake import known_facts, missing_facts
from desk.services.outages import (
    declare_outage,
    link_to_outage,
    resolve_outage,
    update_outage,
)
from desk.services.periodic import REMIND_BEFORE, check_sla, remind_commitments
from desk.services.sla_tracking import SLA_FIELDS, SLAContext, refresh_sla, sla_state
from desk.services.tickets import (
    add_interaction,
    assign,
    change_status,
    do_change_status,
    escalate,
    merge_tickets,
    open_ticket,
    rate_ticket,
    route,
    set_kb_url,
    set_priority,
)

__all__ = [
    "MAX_ATTACHMENT_BYTES",
    "DEFAULT_PRIORITY",
    "TIER_ORDER",
    "DeskError",
    "ticket_link",
    "SLAContext",
    "SLA_FIELDS",
    "sla_state",
    "refresh_sla",
    "known_facts",
    "missing_facts",
    "validate_attachment",
    "attach_file",
    "route",
    "open_ticket",
    "change_status",
    "do_change_status",
    "add_interaction",
    "assign",
    "escalate",
    "set_priority",
    "merge_tickets",
    "rate_ticket",
    "set_kb_url",
    "add_commitment",
    "do_add_commitment",
    "complete_commitment",
    "dispatch_visit",
    "record_visit_outcome",
    "replace_terminal",
    "declare_outage",
    "escalate_from_portal",
    "why_not_escalate",
    "link_to_outage",
    "update_outage",
    "resolve_outage",
    "check_sla",
    "REMIND_BEFORE",
    "remind_commitments",
]
