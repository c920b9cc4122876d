"""Remote diagnosis of one terminal: gather what the telemetry, the transactions, the desk's
outages and the knowledge base say, let `fleet.verdict` decide, record the result.

Used by the agent's "诊断 / Diagnose" action, the API, and the assistant
(`diagnose_for_chat`), so a merchant who reports a fault in chat hears what the diagnosis sees
before any ticket is opened.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from typing import TYPE_CHECKING, Any

from django.db.models import Count
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from core.errors import in_both_languages, lazy_format
from fleet import health, verdict
from fleet.describe import describe
from fleet.evaluation import known_issues, snapshots
from fleet.models import Diagnosis, Finding

if TYPE_CHECKING:
    from accounts.models import User
    from merchants.models import Merchant
    from terminals.models import Terminal

NEXT_STEPS: dict[str, Any] = {
    "outage": _(
        "所在地区正在发生故障：告诉商户这是系统问题而不是终端问题，把工单关联到故障事件，恢复后通知商户。"
    ),
    "silent_visit": _("终端已超过三天无响应：安排上门检查，必要时带备机。"),
    "silent": _("请商户确认终端已开机、电量充足并联网，然后远程重启。"),
    "firmware_then_signin": _("当前固件有已知签到问题：先远程推送修复版本，再远程重新签到。"),
    "signin": _("远程下发重新签到并下载密钥，然后请商户做一笔小额测试交易。"),
    "paper": _("指导商户装入热敏纸（光面朝打印头）并盖紧纸仓盖，然后打印测试页。"),
    "print_head": _("打印头故障：安排上门更换打印头。"),
    "pin": _("55 增多是持卡人输错密码：请收银员提醒持卡人核对密码，终端本身正常。"),
    "reader": _("指导商户用清洁卡清洁读卡槽；仍频繁失败则安排上门检修读卡器。"),
    "battery_replace": _("电池已严重老化：安排更换电池或更换终端（在保免费）。"),
    "firmware": _("在商户非营业时间远程推送修复版本。"),
    "storage": _("远程下发参数清理日志和缓存。"),
    "signal": _("指导商户把终端移到信号更好的位置，或改用 Wi-Fi。"),
    "battery_soon": _("电池开始老化：提醒商户营业时放在底座充电，下次上门时更换电池。"),
    "healthy": _("遥测和交易都没有发现终端问题：按商户描述的现象继续排查。"),
}


def _both(message: Any) -> dict[str, str]:
    return in_both_languages(message)


def _finding_lines(findings: list[health.Finding]) -> list[dict[str, str]]:
    lines = []
    for finding in findings:
        texts = {}
        for code, key in (("zh-hans", "zh"), ("en", "en")):
            with translation.override(code):
                text = describe(finding.kind, finding.severity, finding.evidence)
            texts[key] = f"{text['title']}: {text['evidence']}"
        lines.append(texts)
    return lines


def _transactions(terminal: Terminal, now: dt.datetime) -> tuple[list[dict], list[str]]:
    from payments.models import Transaction

    lines = []
    rows = Transaction.objects.filter(terminal=terminal)
    last_ok = rows.filter(status__in=["approved", "voided", "refunded"]).order_by("-local_time")
    last = last_ok.values_list("local_time", flat=True).first()
    if last is None:
        lines.append(_both(_("没有成功交易记录")))
    else:
        when = timezone.localtime(last).strftime("%Y-%m-%d %H:%M")
        lines.append(_both(lazy_format(_("最近一笔成功交易：%(when)s"), when=when)))
    day_ago, base_start = now - dt.timedelta(hours=24), now - dt.timedelta(days=15)
    recent = dict(
        rows.filter(local_time__gte=day_ago).values_list("response_code").annotate(n=Count("id"))
    )
    baseline = Counter(
        dict(
            rows.filter(local_time__gte=base_start, local_time__lt=day_ago)
            .values_list("response_code")
            .annotate(n=Count("id"))
        )
    )
    total = sum(recent.values())
    spikes = verdict.code_spikes(recent, {c: n / 14 for c, n in baseline.items()}, total)
    mix = "、".join(f"{code}×{n}" for code, n in sorted(recent.items(), key=lambda i: -i[1])[:5])
    lines.append(
        _both(
            lazy_format(_("近 24 小时 %(total)s 笔，应答码：%(mix)s"), total=total, mix=mix or "—")
        )
    )
    for code in spikes:
        lines.append(_both(lazy_format(_("应答码 %(code)s 明显高于该终端平时水平"), code=code)))
    return lines, spikes


def _outage_lines(terminal: Terminal) -> list[dict[str, str]]:
    from desk.models import Outage

    region = terminal.merchant.region_code
    return [
        _both(lazy_format(_("所在地区有进行中的故障：%(title)s"), title=outage.title))
        for outage in Outage.objects.filter(status=Outage.Status.ACTIVE)
        if region.startswith(outage.region_code)
    ]


def run_diagnosis(
    terminal: Terminal, *, by: User | None = None, now: dt.datetime | None = None
) -> Diagnosis:
    """Diagnose a terminal and record the diagnosis (who asked, what it saw, what to do)."""
    now = now or timezone.now()
    issues = known_issues()
    snapshot = snapshots([terminal.pk], now, issues).get(terminal.pk)
    evidence: list[dict[str, str]] = []
    findings: list[health.Finding] = []
    silent_hours = None
    if snapshot is None:
        evidence.append(_both(_("没有收到过这台终端的遥测数据")))
    else:
        findings = health.evaluate(snapshot)
        state = snapshot.state
        seen_at = snapshot.last_seen_at or now
        seen = timezone.localtime(seen_at).strftime("%Y-%m-%d %H:%M")
        evidence.append(_both(lazy_format(_("最近上报：%(when)s"), when=seen)))
        evidence.extend(_finding_lines(findings))
        signin = _("成功") if state.get("signin_ok") else _("失败")
        evidence.append(
            _both(
                lazy_format(
                    _("签到：%(result)s；密钥到期日：%(date)s"),
                    result=signin,
                    date=state.get("key_expires_on") or "—",
                )
            )
        )
        silent_hours = int((now - seen_at).total_seconds() // 3600)
    txn_lines, spikes = _transactions(terminal, now)
    evidence.extend(txn_lines)
    outages = _outage_lines(terminal)
    evidence.extend(outages)
    issue = snapshot.known_issue if snapshot else None
    if issue:
        evidence.append(
            {"zh": f"已知问题：{issue['summary_zh']}", "en": f"Known issue: {issue['summary_en']}"}
        )
    decided = verdict.decide(
        verdict.Gathered(
            findings={f.kind: f.severity for f in findings},
            silent_hours=silent_hours,
            outage_in_region=bool(outages),
            breaks_signin=bool(issue and issue.get("breaks_signin")),
            code_spikes=spikes,
            under_warranty=terminal.under_warranty(),
        )
    )
    return Diagnosis.objects.create(
        terminal=terminal,
        verdict=decided.verdict,
        evidence=evidence,
        next_step=_both(NEXT_STEPS[decided.step]),
        suggested_action=decided.action,
        requested_by=by if getattr(by, "pk", None) else None,
    )


# The assistant's fault intents and the finding kinds they are about.
TOPIC_KINDS = {
    "printer_paper": ("printer_paper", "printer_fault"),
    "card_reading": ("reader_errors",),
    "network_signin": ("signin_failing", "keys_expiring", "weak_signal", "silent"),
    "power_battery": ("battery_wear", "silent"),
}


def _chat_terminal(merchants: list[Any], topic: str) -> Any:
    """The terminal the complaint most likely concerns: one of these merchants' terminals with
    an open finding of the topic's kinds, else any open finding, else the first terminal."""
    open_findings = Finding.objects.filter(terminal__merchant__in=merchants, is_open=True)
    kinds = TOPIC_KINDS.get(topic)
    candidates = [open_findings.filter(kind__in=kinds)] if kinds else []
    for found in [*candidates, open_findings]:
        if first := found.select_related("terminal").order_by("terminal__terminal_id").first():
            return first.terminal
    return merchants[0].terminals.order_by("terminal_id").first() if merchants else None


def diagnose_for_chat(
    merchant: Merchant | list[Merchant] | None, terminal: Terminal | None = None, topic: str = ""
) -> str | None:
    """What the diagnosis sees, in the merchant's words and the chat's language, or None when
    it sees nothing wrong (the assistant then goes on with its usual steps). `merchant` may be
    a list when the user has several and the chat has not said which."""
    merchants = list(merchant) if isinstance(merchant, list | tuple) else [merchant]
    merchants = [m for m in merchants if m is not None]
    if not merchants:
        return None
    terminal = terminal or _chat_terminal(merchants, topic)
    if terminal is None:
        return None
    diagnosis = run_diagnosis(terminal)
    if diagnosis.verdict == Diagnosis.Verdict.HEALTHY:
        return None
    lines = [str(lazy_format(_("我刚远程检查了您的终端 %(tid)s："), tid=terminal.terminal_id))]
    if diagnosis.verdict == Diagnosis.Verdict.OUTAGE:
        lines.append(
            str(_("您所在地区的交易系统正在发生故障，不是您的终端的问题，恢复后我们会通知您。"))
        )
        return "\n".join(lines)
    findings = Finding.objects.filter(terminal=terminal, is_open=True)
    if kinds := TOPIC_KINDS.get(topic):
        # A merchant asking about the card reader does not hear about the battery: only what
        # concerns the question, and nothing when the diagnosis sees nothing of it.
        findings = findings.filter(kind__in=kinds)
        if not findings.exists():
            return None
    described = sorted(
        (describe(f.kind, f.severity, f.evidence) for f in findings),
        key=lambda d: list(health.RULES).index(d["kind"]),
    )
    for text in described[:2]:
        lines.append(text["merchant"])
    if described and described[0]["action"] == "guide_merchant":
        lines.append(str(_("您可以这样处理：")) + described[0]["fix"])
    return "\n".join(lines)
