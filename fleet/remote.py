"""Remote actions on a terminal through the TMS adapter: reboot, re-sign-in / key download,
push parameters, push an app or firmware version. Each is recorded with the agent number and
its result, and on the ticket's timeline when it is done for a ticket.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.errors import BilingualError, lazy_format
from fleet import health
from fleet.evaluation import evaluate_fleet, issue_for, known_issues
from fleet.ingest import ingest_api
from fleet.models import RemoteAction, TerminalState
from fleet.tms import SimulatedTMS

if TYPE_CHECKING:
    from accounts.models import User
    from desk.models import Ticket
    from terminals.models import Terminal

RESULT_MESSAGES: dict[str, Any] = {
    "offline": _("终端不在线，命令未送达"),
    "signin_rejected": _("签到被拒绝：当前固件有已知签到问题，请先推送修复版本"),
    "no_version": _("请填写要推送的版本号"),
    "reboot_ok": _("终端已重启"),
    "signin_ok": _("签到成功，密钥已更新"),
    "parameters_ok": _("参数已下发"),
    "push_version_ok": _("版本已推送并安装"),
}
TMS = SimulatedTMS()


class RemoteActionError(BilingualError):
    pass


def _after(kind: str, state: dict[str, Any], parameters: dict[str, Any], now: dt.datetime) -> dict:
    """The terminal's next report after a successful action (the simulated TMS's echo)."""
    report = {k: v for k, v in state.items() if k != "extra"}
    if kind == "signin":
        report.update(
            signin_ok=True,
            last_signin_at=now.isoformat(),
            key_expires_on=(now.date() + dt.timedelta(days=365)).isoformat(),
        )
    elif kind == "push_version":
        field = "app_version" if parameters.get("target") == "app" else "firmware_version"
        report[field] = parameters["version"]
    elif kind == "parameters":
        report["free_storage_mb"] = max(report.get("free_storage_mb") or 0, 800)
    elif kind == "reboot":
        report["reboots"] = (report.get("reboots") or 0) + 1
    return report


def run_remote_action(
    terminal: Terminal,
    kind: str,
    *,
    by: User,
    ticket: Ticket | None = None,
    version: str = "",
    target: str = "firmware",
) -> RemoteAction:
    """Send one command through the TMS and record it (and its result on the ticket)."""
    from desk.services import add_interaction

    if not getattr(by, "is_agent", False):
        raise RemoteActionError(_("只有客服和技术人员可以远程操作终端"))
    if kind not in RemoteAction.Kind.values:
        raise RemoteActionError(lazy_format(_("未知的远程操作“%(kind)s”"), kind=kind))
    if ticket is not None and ticket.terminal_id not in (None, terminal.pk):
        raise RemoteActionError(_("工单对应的不是这台终端"))
    parameters: dict[str, Any] = {"version": version.strip()[:32]} if version.strip() else {}
    if parameters and target == "app":
        parameters["target"] = "app"
    now = timezone.now()
    state_row = TerminalState.objects.filter(terminal=terminal).first()
    state = dict(state_row.data) if state_row else {}
    issue = issue_for(known_issues(), state.get("firmware_version", ""), terminal.model_id)
    online = state_row is not None and now - state_row.last_seen_at < health.SILENT_AFTER
    result = TMS.send(
        kind,
        {"online": online, "firmware_breaks_signin": bool(issue and issue["breaks_signin"])},
        parameters,
    )
    with transaction.atomic():
        action = RemoteAction.objects.create(
            terminal=terminal,
            ticket=ticket,
            kind=kind,
            parameters=parameters,
            status=RemoteAction.Status.SUCCEEDED if result.ok else RemoteAction.Status.FAILED,
            result_message=str(RESULT_MESSAGES[result.code]),
            tms=TMS.name,
            requested_by=by,
            agent_no=by.agent_no or "",
        )
        if ticket is not None:
            add_interaction(
                ticket,
                by=by,
                kind="note",
                body=str(
                    lazy_format(
                        _("远程操作 %(action)s（终端 %(tid)s）：%(status)s — %(result)s"),
                        action=action.get_kind_display(),
                        tid=terminal.terminal_id,
                        status=action.get_status_display(),
                        result=action.result_message,
                    )
                ),
                outcome=action.get_status_display(),
            )
    if result.ok and state:
        report = _after(kind, state, parameters, now)
        report.update(terminal_id=terminal.terminal_id, at=now.isoformat())
        ingest_api([report])
        evaluate_fleet([terminal.pk], now=now)
    return action
