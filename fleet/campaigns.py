"""Update campaigns: a firmware or app version rolled out in stages (1% → 10% → 50% → 100%),
each terminal in its merchant's quiet hour (the hour with the fewest transactions over the
last four weeks), merchants told in advance through the outreach contact policy, pushes sent
through the TMS adapter, and each stage judged before the next: when the sign-in or the
transaction failure rate of the updated terminals after the update is higher than before it
(with a minimum volume), the campaign halts on its own. The plan itself is `fleet.rollout`.

`advance_campaigns()` runs every ten minutes from the scheduler and is idempotent.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.db.models import Count, Max, Min
from django.db.models.functions import ExtractHour
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.permissions import check_supervisor
from core.errors import BilingualError, in_both_languages, lazy_format
from fleet import rollout
from fleet.accounts import monitor_user
from fleet.models import CampaignTarget, TelemetryRecord, UpdateCampaign
from fleet.records import VERSION as VERSION_RE
from terminals.models import Terminal

if TYPE_CHECKING:
    from accounts.models import User

NOTICE = dt.timedelta(hours=12)  # merchants hear of an update at least this long before it
QUIET_HISTORY = dt.timedelta(weeks=4)
PATIENCE = 3  # observation periods to wait for volume before going on regardless
Status = UpdateCampaign.Status
HALT_REASONS: dict[str, Any] = {
    "signin": _("升级后签到失败率高于升级前，已自动停止"),
    "transactions": _("升级后交易失败率高于升级前，已自动停止"),
}


class CampaignError(BilingualError):
    pass


def quiet_hours(merchant_ids: Iterable[int], now: dt.datetime) -> dict[int, int]:
    """Each merchant's quiet hour from its own last four weeks of transactions."""
    from payments.models import Transaction

    ids = list(set(merchant_ids))
    counts: dict[int, dict[int, int]] = defaultdict(dict)
    rows = (
        Transaction.objects.filter(merchant_id__in=ids, local_time__gte=now - QUIET_HISTORY)
        .annotate(hour=ExtractHour("local_time"))
        .values_list("merchant_id", "hour")
        .annotate(n=Count("id"))
    )
    for merchant_id, hour, n in rows:
        counts[merchant_id][hour] = n
    return {merchant_id: rollout.quiet_hour(counts.get(merchant_id, {})) for merchant_id in ids}


def _check_version(version: str) -> str:
    version = (version or "").strip()
    if not version or not VERSION_RE.match(version):
        raise CampaignError(_("版本号只能包含字母、数字、空格和 . _ + - /，最长 32 位"))
    return version


def create_campaign(
    *, name: str, target: str, version: str, by: User, model: Any = None, now: Any = None
) -> UpdateCampaign:
    """A draft campaign over every active terminal (of the model) not yet on the version."""
    check_supervisor(by)
    now = now or timezone.now()
    version = _check_version(version)
    if target not in UpdateCampaign.Target.values:
        raise CampaignError(lazy_format(_("未知的升级对象“%(value)s”"), value=target))
    if not (name or "").strip():
        raise CampaignError(_("请填写升级任务名称"))
    field = "app_version" if target == UpdateCampaign.Target.APP else "firmware_version"
    terminals = Terminal.objects.filter(status=Terminal.Status.ACTIVE).exclude(**{field: version})
    if model is not None:
        terminals = terminals.filter(model=model)
    rows = list(terminals.order_by("pk").values_list("pk", "merchant_id", field))
    if not rows:
        raise CampaignError(_("没有需要升级的终端"))
    with transaction.atomic():
        campaign = UpdateCampaign.objects.create(
            name=name.strip()[:80],
            target=target,
            version=version,
            model=model,
            stages=list(rollout.STAGES),
            created_by=by,
        )
        stages = rollout.assign_stages([pk for pk, _m, _v in rows], f"campaign-{campaign.pk}")
        hours = quiet_hours([m for _pk, m, _v in rows], now)
        CampaignTarget.objects.bulk_create(
            [
                CampaignTarget(
                    campaign=campaign,
                    terminal_id=pk,
                    stage=stages[pk],
                    quiet_hour=hours[merchant_id],
                    previous_version=current or "",
                )
                for pk, merchant_id, current in rows
            ],
            batch_size=2000,
        )
    return campaign


def _tell_merchants(campaign: UpdateCampaign, targets: list[CampaignTarget]) -> int:
    """One notice per merchant and stage, through the contact policy, before the update."""
    from outreach.models import Channel, Purpose, Urgency
    from outreach.services import file_request

    first: dict[int, CampaignTarget] = {}
    for target in targets:
        merchant_id = target.terminal.merchant_id
        if merchant_id not in first or target.scheduled_at < first[merchant_id].scheduled_at:  # type: ignore[operator]
            first[merchant_id] = target
    monitor = monitor_user()
    for target in first.values():
        when = timezone.localtime(target.scheduled_at)
        # Lazy texts: the contact request keeps them in Chinese and English.
        text = lazy_format(
            _(
                "您的终端 %(terminal)s 将于 %(when)s（您店里最空闲的时段）自动升级到 "
                "%(version)s，约需 5 分钟，期间暂时无法交易。"
            ),
            terminal=target.terminal.terminal_id,
            when=when.strftime("%Y-%m-%d %H:%M"),
            version=campaign.version,
        )
        file_request(
            merchant=target.terminal.merchant,
            purpose=Purpose.SYSTEM_UPDATE,
            urgency=Urgency.NORMAL,
            channels=[Channel.INBOX, Channel.SMS],
            subject=_("终端升级通知"),
            content=text,
            requested_by=monitor,
            dedupe_key=f"fleet-campaign-{campaign.pk}-{campaign.stage}-{target.terminal.merchant_id}",
            source="fleet",
        )
    return len(first)


def _schedule_stage(campaign: UpdateCampaign, now: dt.datetime, notice: dt.timedelta) -> int:
    """Give the stage's waiting terminals their slots and tell their merchants."""
    targets = list(
        campaign.targets.filter(stage=campaign.stage, status=CampaignTarget.Status.WAITING)
        .select_related("terminal__merchant")
        .order_by("terminal__merchant_id", "terminal_id")
    )
    hours: dict[Any, int] = {t.terminal.merchant_id: t.quiet_hour for t in targets}
    slots = rollout.schedule(
        [(t.pk, t.terminal.merchant_id) for t in targets],
        hours,
        timezone.localtime(now + notice),
    )
    for target in targets:
        target.scheduled_at, target.status = slots[target.pk], CampaignTarget.Status.SCHEDULED
    CampaignTarget.objects.bulk_update(targets, ["scheduled_at", "status"], batch_size=2000)
    if notice:
        _tell_merchants(campaign, targets)
    return len(targets)


def _set_stage(campaign: UpdateCampaign, stage: int, now: dt.datetime) -> None:
    campaign.stage, campaign.stage_started_at = stage, now
    campaign.save(update_fields=["stage", "stage_started_at", "status"])
    _schedule_stage(campaign, now, NOTICE)


@transaction.atomic
def start_campaign(campaign: UpdateCampaign, *, by: User, now: Any = None) -> UpdateCampaign:
    check_supervisor(by)
    campaign = UpdateCampaign.objects.select_for_update().get(pk=campaign.pk)
    if campaign.status != Status.DRAFT:
        raise CampaignError(_("只有草稿状态的升级任务可以开始"))
    campaign.status = Status.RUNNING
    _set_stage(campaign, 1, now or timezone.now())
    return campaign


@transaction.atomic
def pause_campaign(campaign: UpdateCampaign, *, by: User) -> UpdateCampaign:
    check_supervisor(by)
    campaign = UpdateCampaign.objects.select_for_update().get(pk=campaign.pk)
    if campaign.status != Status.RUNNING:
        raise CampaignError(_("只有进行中的升级任务可以暂停"))
    campaign.status = Status.PAUSED
    campaign.save(update_fields=["status"])
    return campaign


@transaction.atomic
def resume_campaign(campaign: UpdateCampaign, *, by: User, now: Any = None) -> UpdateCampaign:
    """Go on from where it stopped; slots that passed meanwhile move to the next quiet hour
    (the merchants were told already)."""
    check_supervisor(by)
    now = now or timezone.now()
    campaign = UpdateCampaign.objects.select_for_update().get(pk=campaign.pk)
    if campaign.status not in (Status.PAUSED, Status.HALTED):
        raise CampaignError(_("只有已暂停或已停止的升级任务可以继续"))
    campaign.status, campaign.halt_reason = Status.RUNNING, {}
    campaign.save(update_fields=["status", "halt_reason"])
    overdue = campaign.targets.filter(status=CampaignTarget.Status.SCHEDULED, scheduled_at__lt=now)
    overdue.update(status=CampaignTarget.Status.WAITING)
    _schedule_stage(campaign, now, dt.timedelta(0))
    return campaign


def _push_due(campaign: UpdateCampaign, now: dt.datetime) -> int:
    from fleet.remote import run_remote_action

    due = campaign.targets.filter(
        status=CampaignTarget.Status.SCHEDULED, scheduled_at__lte=now
    ).select_related("terminal")
    monitor = monitor_user()
    pushed = 0
    for target in due:
        action = run_remote_action(
            target.terminal,
            "push_version",
            by=monitor,
            version=campaign.version,
            target=campaign.target,
        )
        ok = action.status == action.Status.SUCCEEDED
        target.status = CampaignTarget.Status.PUSHED if ok else CampaignTarget.Status.FAILED
        target.pushed_at = now
        target.save(update_fields=["status", "pushed_at"])
        pushed += ok
    return pushed


def stage_rates(campaign: UpdateCampaign, stage: int) -> tuple[rollout.Rates, rollout.Rates]:
    """Sign-ins (telemetry) and transactions of the stage's updated terminals in the
    observation window before each one's update and the one after it."""
    from payments.models import Transaction

    window = dt.timedelta(hours=campaign.observe_hours)
    pushed: dict[int, dt.datetime] = {
        pk: at
        for pk, at in campaign.targets.filter(
            stage=stage, status=CampaignTarget.Status.PUSHED
        ).values_list("terminal_id", "pushed_at")
        if at is not None
    }
    if not pushed:
        return rollout.Rates(), rollout.Rates()
    span_start = min(pushed.values()) - window
    span_end = max(pushed.values()) + window
    counts = {side: [0, 0, 0, 0] for side in ("before", "after")}

    def side(pk: int, at: dt.datetime) -> str | None:
        moment = pushed[pk]
        if moment - window <= at < moment:
            return "before"
        return "after" if moment <= at < moment + window else None

    signins = TelemetryRecord.objects.filter(
        terminal_id__in=list(pushed), at__gte=span_start, at__lt=span_end, signin_ok__isnull=False
    ).values_list("terminal_id", "at", "signin_ok")
    for pk, at, ok in signins:
        if where := side(pk, at):
            counts[where][0] += 1
            counts[where][1] += not ok
    txns = Transaction.objects.filter(
        terminal_id__in=list(pushed), local_time__gte=span_start, local_time__lt=span_end
    ).values_list("terminal_id", "local_time", "response_code")
    for pk, at, code in txns:
        if where := side(pk, at):
            counts[where][2] += 1
            counts[where][3] += code != "00"
    return rollout.Rates(*counts["before"]), rollout.Rates(*counts["after"])


def _judge_stage(campaign: UpdateCampaign, now: dt.datetime) -> str:
    """After the stage's last push has been watched for the observation period: go on to the
    next stage (or finish), wait for volume, or halt."""
    targets = campaign.targets.filter(stage=campaign.stage)
    if targets.exclude(
        status__in=(CampaignTarget.Status.PUSHED, CampaignTarget.Status.FAILED)
    ).exists():
        return "pushing"
    last = targets.aggregate(last=Max("pushed_at"), first=Min("pushed_at"))["last"]
    window = dt.timedelta(hours=campaign.observe_hours)
    if last is not None and now < last + window:
        return "observing"
    before, after = stage_rates(campaign, campaign.stage)
    decision, what = rollout.verdict(before, after, campaign.min_volume)
    if decision == rollout.HALT:
        campaign.status = Status.HALTED
        campaign.halt_reason = in_both_languages(HALT_REASONS[what])
        campaign.save(update_fields=["status", "halt_reason"])
        return decision
    if decision == rollout.WAIT and last is not None and now < last + PATIENCE * window:
        return decision
    if campaign.stage >= len(campaign.stages):
        campaign.status = Status.COMPLETED
        campaign.save(update_fields=["status"])
        return "completed"
    _set_stage(campaign, campaign.stage + 1, now)
    return rollout.CONTINUE


def advance_campaigns(now: dt.datetime | None = None) -> dict[int, str]:
    """Push what is due in every running campaign, then judge stages that are done."""
    now = now or timezone.now()
    result = {}
    for campaign in UpdateCampaign.objects.filter(status=Status.RUNNING):
        _push_due(campaign, now)
        with transaction.atomic():
            result[campaign.pk] = _judge_stage(campaign, now)
    return result


def stage_counts(campaign: UpdateCampaign) -> list[dict[str, Any]]:
    """Per stage: its share, and how many terminals wait, are scheduled, pushed, failed."""
    rows = campaign.targets.values_list("stage", "status").annotate(n=Count("id"))
    counts: dict[int, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for stage, status, n in rows:
        counts[stage][status] += n
    return [
        {
            "stage": index,
            "share": round(share * 100),
            "current": index == campaign.stage,
            "total": sum(counts[index].values()),
            **{status: counts[index][status] for status in CampaignTarget.Status.values},
        }
        for index, share in enumerate(campaign.stages, start=1)
    ]
