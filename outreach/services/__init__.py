"""Outreach actions, one module per concern: file a contact request (the policy decides), send
what is due, log agents' calls, verify a contact, report a scam, change preferences, simulate
and launch campaigns.

Each write is atomic; notifications go through `notifications.services.notify`, whose e-mail,
SMS and voice deliveries leave after the transaction commits. Every public name is importable
from `outreach.services`.
"""

from outreach.services.calls import claim_call, log_call
from outreach.services.campaigns import campaign_merchants, launch_campaign, simulate_campaign
from outreach.services.common import (
    CALLING,
    CODE_LOOKBACK,
    HISTORY_DAYS,
    TIME_TOLERANCE,
    RequestError,
    logger,
    make_policy,
    parse_number,
)
from outreach.services.policy_inputs import histories_for, preferences_for
from outreach.services.preferences import (
    ask_for_fewer_contacts,
    resolve_complaint,
    update_preferences,
)
from outreach.services.requests import file_request, validate_request
from outreach.services.scams import (
    number_of_pass,
    report_pass,
    report_scam,
    report_scam_anonymously,
    review_scam_report,
)
from outreach.services.sending import (
    dispatch_due,
    registered_number_for,
)
from outreach.services.verification import (
    GUIDANCE,
    VERDICT_TEXT,
    Verification,
    verify_contact,
)

__all__ = [
    "logger",
    "HISTORY_DAYS",
    "CALLING",
    "CODE_LOOKBACK",
    "TIME_TOLERANCE",
    "RequestError",
    "parse_number",
    "make_policy",
    "preferences_for",
    "histories_for",
    "validate_request",
    "file_request",
    "registered_number_for",
    "dispatch_due",
    "claim_call",
    "log_call",
    "GUIDANCE",
    "VERDICT_TEXT",
    "Verification",
    "verify_contact",
    "report_scam",
    "report_scam_anonymously",
    "report_pass",
    "number_of_pass",
    "review_scam_report",
    "update_preferences",
    "ask_for_fewer_contacts",
    "resolve_complaint",
    "campaign_merchants",
    "simulate_campaign",
    "launch_campaign",
]
