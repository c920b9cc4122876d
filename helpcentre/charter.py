"""The live half of the service charter, read from what the system enforces: the desk's
service hours and response targets, the directory's registered outbound numbers, and the
outreach contact policy's quiet hours and caps — so the promise and the practice agree."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from core.language import current_language
from core.phones import display_phone


def duration(minutes: int) -> str:
    if minutes < 60:
        return _("%(n)d 分钟") % {"n": minutes}
    if minutes % 60 == 0:
        return _("%(n)d 小时") % {"n": minutes // 60}
    return _("%(n).1f 小时") % {"n": minutes / 60}


def hours_text(calendar: Any) -> str:
    if calendar.always_open:
        return _("7×24 小时")
    periods = ", ".join(f"{start}–{end}" for start, end in calendar.workday_periods)
    if calendar.follows_holidays:
        return _("工作日 %(periods)s（法定节假日休息）") % {"periods": periods}
    return _("周一至周五 %(periods)s") % {"periods": periods}


def targets() -> list[dict[str, str]]:
    from desk.models import SLAPolicy

    policies = SLAPolicy.objects.filter(category="").select_related("calendar")
    return [
        {
            "priority": policy.priority,
            "hours": hours_text(policy.calendar),
            "first_response": duration(policy.first_response_minutes),
            "resolution": duration(policy.resolution_minutes),
        }
        for policy in policies.order_by("priority")
    ]


def registered_numbers() -> list[dict[str, str]]:
    from directory.models import RegisteredNumber

    en = current_language() == "en"
    rows = RegisteredNumber.objects.active().select_related("institution")
    return [
        {
            "institution": (row.institution.name_en if en else "") or row.institution.name,
            "number": display_phone(row.number),
            "kind": row.get_kind_display(),
        }
        for row in rows.order_by("institution__name", "number")
    ]


def contact_limits() -> dict[str, Any]:
    from outreach.policy import DEFAULT_CAPS, Preferences

    en = current_language() == "en"
    defaults = Preferences()
    return {
        "quiet": f"{defaults.quiet_start:%H:%M}–{defaults.quiet_end:%H:%M}",
        "caps": [cap.name_en if en else cap.name_zh for cap in DEFAULT_CAPS],
    }


def charter_context() -> dict[str, Any]:
    return {
        "targets": targets(),
        "numbers": registered_numbers(),
        "limits": contact_limits(),
    }
