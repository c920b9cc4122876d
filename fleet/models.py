"""Fleet care: terminal telemetry (raw, daily roll-ups, latest state), health findings,
known firmware issues, remote diagnoses and the remote actions sent through a TMS.

On PostgreSQL the raw telemetry table is partitioned by month of `at` (migration 0002), so
its primary key is (id, at) there and nothing points at it; raw rows live 90 days, the daily
roll-ups for years.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import get_language, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from fleet.querysets import ByMerchantQuerySet, ByTerminalQuerySet


class Network(models.TextChoices):
    CELLULAR = "4g", _("4G")
    WIFI = "wifi", _("Wi-Fi")
    ETHERNET = "eth", _("以太网")
    NONE = "none", _("无网络")


class PrinterState(models.TextChoices):
    OK = "ok", pgettext_lazy("health", "正常")
    NO_PAPER = "no_paper", _("缺纸")
    COVER_OPEN = "cover_open", _("纸仓盖未关")
    OVERHEAT = "overheat", _("打印头过热")
    HEAD_FAULT = "head_fault", _("打印头故障")


class TelemetryRecord(models.Model):
    """One report of a terminal's state, as a TMS pushed it. Idempotent on (terminal, at)."""

    terminal = models.ForeignKey(
        "terminals.Terminal",
        verbose_name=_("终端"),
        on_delete=models.DO_NOTHING,
        related_name="telemetry",
        # No database-level key on the hot, partitioned table; ingestion resolves terminals.
        db_constraint=False,
        db_index=False,  # covered by the (terminal, at) unique key
    )
    at = models.DateTimeField(_("上报时间"))
    battery_pct = models.SmallIntegerField(_("电量 %"), null=True, blank=True)
    charging = models.BooleanField(_("充电中"), null=True, blank=True)
    battery_cycles = models.IntegerField(_("电池循环次数"), null=True, blank=True)
    temperature_c = models.FloatField(_("温度 ℃"), null=True, blank=True)
    signal_dbm = models.SmallIntegerField(_("信号强度 dBm"), null=True, blank=True)
    network = models.CharField(_("网络"), max_length=4, choices=Network.choices, blank=True)
    printer = models.CharField(_("打印机"), max_length=10, choices=PrinterState.choices, blank=True)
    print_count = models.IntegerField(_("累计打印张数"), null=True, blank=True)
    chip_errors = models.IntegerField(_("插卡读卡错误"), null=True, blank=True)
    swipe_errors = models.IntegerField(_("刷卡读卡错误"), null=True, blank=True)
    contactless_errors = models.IntegerField(_("挥卡读卡错误"), null=True, blank=True)
    reboots = models.IntegerField(_("重启次数"), null=True, blank=True)
    free_storage_mb = models.IntegerField(_("剩余存储 MB"), null=True, blank=True)
    firmware_version = models.CharField(_("固件版本"), max_length=32, blank=True)
    app_version = models.CharField(_("应用版本"), max_length=32, blank=True)
    last_signin_at = models.DateTimeField(_("最近签到时间"), null=True, blank=True)
    signin_ok = models.BooleanField(_("签到成功"), null=True, blank=True)
    key_expires_on = models.DateField(_("密钥到期日"), null=True, blank=True)
    extra = models.JSONField(_("其他字段"), default=dict, blank=True)

    objects = ByTerminalQuerySet.as_manager()

    class Meta:
        verbose_name = _("终端遥测")
        verbose_name_plural = pgettext_lazy("plural", "终端遥测")
        ordering = ["-at"]
        constraints = [
            models.UniqueConstraint(fields=["terminal", "at"], name="telemetry_terminal_at_key"),
        ]
        indexes = [models.Index(fields=["at"], name="telemetry_at")]

    def __str__(self) -> str:
        return f"{self.terminal_id} {self.at:%Y-%m-%d %H:%M}"

    @property
    def reader_errors(self) -> int:
        return (self.chip_errors or 0) + (self.swipe_errors or 0) + (self.contactless_errors or 0)


class TelemetryDaily(models.Model):
    """A day of one terminal's telemetry, rolled up; kept for years after the raw rows go."""

    terminal = models.ForeignKey(
        "terminals.Terminal",
        verbose_name=_("终端"),
        on_delete=models.CASCADE,
        related_name="telemetry_days",
    )
    day = models.DateField(_("日期"))
    reports = models.PositiveIntegerField(_("上报次数"))
    battery_min = models.SmallIntegerField(_("最低电量 %"), null=True, blank=True)
    battery_cycles = models.IntegerField(_("电池循环次数"), null=True, blank=True)
    temperature_max = models.FloatField(_("最高温度 ℃"), null=True, blank=True)
    signal_avg = models.FloatField(_("平均信号 dBm"), null=True, blank=True)
    print_count = models.IntegerField(_("累计打印张数"), null=True, blank=True)
    printer_faults = models.PositiveIntegerField(_("打印机异常次数"), default=0)
    reader_errors = models.IntegerField(_("读卡错误"), default=0)
    reboots = models.IntegerField(_("重启次数"), default=0)
    free_storage_min = models.IntegerField(_("最少剩余存储 MB"), null=True, blank=True)
    signin_failures = models.PositiveIntegerField(_("签到失败次数"), default=0)
    firmware_version = models.CharField(_("固件版本"), max_length=32, blank=True)

    objects = ByTerminalQuerySet.as_manager()

    class Meta:
        verbose_name = _("遥测日汇总")
        verbose_name_plural = pgettext_lazy("plural", "遥测日汇总")
        ordering = ["terminal", "day"]
        constraints = [
            models.UniqueConstraint(fields=["terminal", "day"], name="telemetry_daily_key"),
        ]

    def __str__(self) -> str:
        return f"{self.terminal_id} {self.day}"


class TerminalState(models.Model):
    """The latest telemetry of a terminal (one row each), updated as newer records arrive."""

    terminal = models.OneToOneField(
        "terminals.Terminal",
        verbose_name=_("终端"),
        on_delete=models.CASCADE,
        related_name="fleet_state",
        primary_key=True,
    )
    last_seen_at = models.DateTimeField(_("最近上报"), db_index=True)
    data = models.JSONField(_("最新状态"), default=dict)

    objects = ByTerminalQuerySet.as_manager()

    class Meta:
        verbose_name = _("终端最新状态")
        verbose_name_plural = pgettext_lazy("plural", "终端最新状态")

    def __str__(self) -> str:
        return f"{self.terminal_id} @ {self.last_seen_at:%Y-%m-%d %H:%M}"

    @property
    def printer_label(self) -> Any:
        """The printer's state in the reader's language (the record keeps the code)."""
        return _choice_label(PrinterState, self.data.get("printer"))

    @property
    def network_label(self) -> Any:
        return _choice_label(Network, self.data.get("network"))


def _choice_label(choices: Any, value: Any) -> Any:
    return choices(value).label if value in choices.values else (value or "")


class FirmwareIssue(models.Model):
    """A firmware or app version with a known problem, and what fixes it."""

    firmware_version = models.CharField(_("固件版本"), max_length=32, db_index=True)
    model = models.ForeignKey(
        "terminals.TerminalModel",
        verbose_name=_("型号"),
        on_delete=models.CASCADE,
        related_name="firmware_issues",
        null=True,
        blank=True,
        help_text=_("留空表示所有型号。"),
    )
    summary_zh = models.CharField(_("问题"), max_length=200)
    summary_en = models.CharField(_("问题（英文）"), max_length=300)
    fixed_in = models.CharField(_("修复版本"), max_length=32, blank=True)
    breaks_signin = models.BooleanField(_("导致签到失败"), default=False)

    class Meta:
        verbose_name = _("固件已知问题")
        verbose_name_plural = pgettext_lazy("plural", "固件已知问题")
        ordering = ["firmware_version"]

    def __str__(self) -> str:
        return f"{self.firmware_version}: {self.summary_zh}"

    def summary(self, language: str = "zh") -> str:
        return self.summary_en if language.startswith("en") else self.summary_zh


class Finding(models.Model):
    """What a health rule found on a terminal; open until the rule no longer finds it."""

    class Severity(models.TextChoices):
        INFO = "info", _("提示")
        WARNING = "warning", _("警告")
        CRITICAL = "critical", _("严重")

    terminal = models.ForeignKey(
        "terminals.Terminal",
        verbose_name=_("终端"),
        on_delete=models.CASCADE,
        related_name="findings",
    )
    kind = models.CharField(_("类型"), max_length=24, db_index=True)
    severity = models.CharField(_("严重程度"), max_length=8, choices=Severity.choices)
    evidence = models.JSONField(_("依据"), default=dict)
    first_seen_at = models.DateTimeField(_("首次发现"))
    last_seen_at = models.DateTimeField(_("最近确认"))
    resolved_at = models.DateTimeField(_("消除时间"), null=True, blank=True)
    is_open = models.BooleanField(_("未消除"), default=True)

    objects = ByTerminalQuerySet.as_manager()

    class Meta:
        verbose_name = _("健康问题")
        verbose_name_plural = pgettext_lazy("plural", "健康问题")
        ordering = ["-last_seen_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["terminal", "kind"], condition=Q(is_open=True), name="one_open_finding"
            )
        ]
        indexes = [models.Index(fields=["is_open", "kind"], name="finding_open_kind")]

    def __str__(self) -> str:
        return f"{self.terminal_id} {self.kind}"

    def rule(self) -> Any:
        from fleet.health import RULES

        return RULES.get(self.kind)


class Diagnosis(models.Model):
    """One remote diagnosis of a terminal: a verdict, its evidence and the next step."""

    class Verdict(models.TextChoices):
        HEALTHY = "healthy", _("未发现问题")
        GUIDE_MERCHANT = "guide_merchant", _("指导商户处理")
        REMOTE_ACTION = "remote_action", _("远程处理")
        OUTAGE = "outage", _("区域故障，等待恢复")
        FIELD_VISIT = "field_visit", _("上门维修")
        REPLACE = "replace", _("更换终端")

    terminal = models.ForeignKey(
        "terminals.Terminal",
        verbose_name=_("终端"),
        on_delete=models.CASCADE,
        related_name="diagnoses",
    )
    verdict = models.CharField(_("结论"), max_length=16, choices=Verdict.choices)
    evidence = models.JSONField(_("依据"), default=list)
    next_step = models.JSONField(_("下一步"), default=dict)
    suggested_action = models.CharField(_("建议远程操作"), max_length=16, blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("发起人"),
        on_delete=models.SET_NULL,
        related_name="fleet_diagnoses",
        null=True,
        blank=True,
    )
    created_at = models.DateTimeField(_("诊断时间"), auto_now_add=True)

    objects = ByTerminalQuerySet.as_manager()

    class Meta:
        verbose_name = _("远程诊断")
        verbose_name_plural = pgettext_lazy("plural", "远程诊断")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.terminal_id} {self.get_verdict_display()}"

    @staticmethod
    def _key() -> str:
        return "en" if (get_language() or "").startswith("en") else "zh"

    def lines(self) -> list[str]:
        """The evidence in the reader's language."""
        key = self._key()
        return [item.get(key, "") for item in self.evidence]

    def next_step_text(self) -> str:
        return self.next_step.get(self._key(), "")


class RemoteAction(models.Model):
    """A command sent to a terminal through the TMS, recorded with who sent it and the result."""

    class Kind(models.TextChoices):
        REBOOT = "reboot", _("远程重启")
        SIGNIN = "signin", _("重新签到/下载密钥")
        PARAMETERS = "parameters", _("下发参数")
        PUSH_VERSION = "push_version", _("推送应用或固件版本")

    class Status(models.TextChoices):
        SUCCEEDED = "succeeded", _("成功")
        FAILED = "failed", _("失败")

    terminal = models.ForeignKey(
        "terminals.Terminal",
        verbose_name=_("终端"),
        on_delete=models.CASCADE,
        related_name="remote_actions",
    )
    ticket = models.ForeignKey(
        "desk.Ticket",
        verbose_name=_("工单"),
        on_delete=models.SET_NULL,
        related_name="remote_actions",
        null=True,
        blank=True,
    )
    kind = models.CharField(_("操作"), max_length=16, choices=Kind.choices)
    parameters = models.JSONField(_("参数"), default=dict, blank=True)
    status = models.CharField(_("结果"), max_length=10, choices=Status.choices)
    result_message = models.CharField(_("结果说明"), max_length=300, blank=True)
    tms = models.CharField(_("终端管理系统"), max_length=24)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("操作人"),
        on_delete=models.PROTECT,
        related_name="fleet_remote_actions",
    )
    agent_no = models.CharField(_("工号"), max_length=16, blank=True)
    created_at = models.DateTimeField(_("操作时间"), auto_now_add=True)

    objects = ByTerminalQuerySet.as_manager()

    class Meta:
        verbose_name = _("远程操作")
        verbose_name_plural = pgettext_lazy("plural", "远程操作")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.terminal_id} {self.get_kind_display()} {self.get_status_display()}"


class TxnAlert(models.Model):
    """A significant departure of a merchant's (or terminal's) transaction health from its own
    baseline, with the likely reason in the merchant's words."""

    class Kind(models.TextChoices):
        SUCCESS_DROP = "success_drop", _("成功率下降")
        REFUND_SPIKE = "refund_spike", _("退货/撤销异常增多")
        CODE_SPIKE = "code_spike", _("应答码异常增多")

    class Level(models.TextChoices):
        WARNING = "warning", _("警告")
        CRITICAL = "critical", _("严重")

    class Audience(models.TextChoices):
        MERCHANT = "merchant", _("通知商户")
        RISK = "risk", _("转风控")

    merchant = models.ForeignKey(
        "merchants.Merchant",
        verbose_name=_("商户"),
        on_delete=models.CASCADE,
        related_name="txn_alerts",
    )
    # Empty: the merchant as a whole; set: one of its terminals against its own baseline.
    terminal = models.ForeignKey(
        "terminals.Terminal",
        verbose_name=_("终端"),
        on_delete=models.CASCADE,
        related_name="txn_alerts",
        null=True,
        blank=True,
    )
    kind = models.CharField(_("类型"), max_length=16, choices=Kind.choices)
    code = models.CharField(_("应答码"), max_length=2, blank=True)
    level = models.CharField(_("级别"), max_length=8, choices=Level.choices)
    audience = models.CharField(_("处理方"), max_length=8, choices=Audience.choices)
    window_end = models.DateTimeField(_("统计截止"))
    volume = models.PositiveIntegerField(_("笔数"))
    observed = models.FloatField(_("实际比例"))
    expected = models.FloatField(_("平时比例"))
    score = models.FloatField(_("偏离程度"))
    reason = models.JSONField(_("可能原因"), default=dict)
    is_open = models.BooleanField(_("未处理"), default=True)
    created_at = models.DateTimeField(_("发现时间"), auto_now_add=True)

    objects = ByMerchantQuerySet.as_manager()

    class Meta:
        verbose_name = _("交易健康告警")
        verbose_name_plural = pgettext_lazy("plural", "交易健康告警")
        ordering = ["-window_end", "-score"]
        constraints = [
            models.UniqueConstraint(
                fields=["merchant", "kind", "code", "window_end"],
                condition=Q(terminal__isnull=True),
                name="one_alert_per_window",
            ),
            models.UniqueConstraint(
                fields=["terminal", "kind", "code", "window_end"],
                condition=Q(terminal__isnull=False),
                name="one_terminal_alert_per_window",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.merchant_id} {self.terminal_id or ''} {self.kind} {self.code}"

    def reason_text(self) -> str:
        return self.reason.get("en" if (get_language() or "").startswith("en") else "zh", "")


class OutageProposal(models.Model):
    """Failures clustering across terminals that share something, proposed as a master incident
    for a supervisor to confirm (or dismiss)."""

    class Dimension(models.TextChoices):
        REGION = "region", _("地区")
        ISSUER = "issuer", _("发卡行")
        CHANNEL = "channel", _("通信方式")
        FIRMWARE = "firmware", _("固件版本")

    class Status(models.TextChoices):
        PROPOSED = "proposed", _("待确认")
        CONFIRMED = "confirmed", _("已确认")
        DISMISSED = "dismissed", _("已驳回")

    dimension = models.CharField(_("共同点"), max_length=10, choices=Dimension.choices)
    key = models.CharField(_("取值"), max_length=40)
    codes = models.JSONField(_("应答码"), default=list)
    window_start = models.DateTimeField(_("窗口开始"))
    window_end = models.DateTimeField(_("窗口结束"))
    failures = models.PositiveIntegerField(_("失败笔数"))
    terminal_count = models.PositiveIntegerField(_("终端数"))
    merchant_ids = models.JSONField(_("受影响商户"), default=list)
    status = models.CharField(
        _("状态"), max_length=10, choices=Status.choices, default=Status.PROPOSED, db_index=True
    )
    outage = models.ForeignKey(
        "desk.Outage",
        verbose_name=_("故障事件"),
        on_delete=models.SET_NULL,
        related_name="fleet_proposals",
        null=True,
        blank=True,
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=pgettext_lazy("decided", "处理人"),
        on_delete=models.SET_NULL,
        related_name="fleet_outage_decisions",
        null=True,
        blank=True,
    )
    created_at = models.DateTimeField(_("提出时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("故障提议")
        verbose_name_plural = pgettext_lazy("plural", "故障提议")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["dimension", "key"],
                condition=Q(status="proposed"),
                name="one_open_outage_proposal",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_dimension_display()} {self.key}"


class FailureEvent(models.Model):
    """A terminal that failed (a part broke and was repaired or replaced) on a day: what the
    failure model learns from. Desk repairs (field visits, replacements) count as well; these
    rows carry the failures the desk does not see (a TMS's RMA feed, the demo's wear process)."""

    class Part(models.TextChoices):
        BATTERY = "battery", _("电池")
        PRINTER_HEAD = "printer_head", _("打印头")
        READER = "reader", _("读卡器")
        BOARD = "board", _("主板")
        UNKNOWN = "unknown", _("未知")

    class Source(models.TextChoices):
        TMS = "tms", _("终端管理系统")
        DESK = "desk", _("工单")
        DEMO = "demo", _("演示数据")

    terminal = models.ForeignKey(
        "terminals.Terminal",
        verbose_name=_("终端"),
        on_delete=models.CASCADE,
        related_name="failure_events",
    )
    failed_on = models.DateField(_("故障日期"))
    part = models.CharField(_("故障部件"), max_length=16, choices=Part.choices)
    source = models.CharField(_("来源"), max_length=8, choices=Source.choices)

    objects = ByTerminalQuerySet.as_manager()

    class Meta:
        verbose_name = _("终端故障记录")
        verbose_name_plural = pgettext_lazy("plural", "终端故障记录")
        ordering = ["-failed_on"]
        constraints = [
            models.UniqueConstraint(
                fields=["terminal", "failed_on", "part"], name="one_failure_per_part_and_day"
            )
        ]

    def __str__(self) -> str:
        return f"{self.terminal_id} {self.failed_on} {self.part}"


class FailureRisk(models.Model):
    """The failure model's latest score of a terminal: the risk of a failure within 30 days,
    the reasons behind it, the part most likely at fault and the proactive ticket if any."""

    class Level(models.TextChoices):
        LOW = "low", _("低")
        MEDIUM = "medium", _("中")
        HIGH = "high", _("高")

    terminal = models.OneToOneField(
        "terminals.Terminal",
        verbose_name=_("终端"),
        on_delete=models.CASCADE,
        related_name="failure_risk",
        primary_key=True,
    )
    risk = models.FloatField(_("30 天内故障概率"))
    level = models.CharField(_("风险等级"), max_length=8, choices=Level.choices, db_index=True)
    part = models.CharField(_("最可能的故障部件"), max_length=16, choices=FailureEvent.Part.choices)
    reasons = models.JSONField(_("主要原因"), default=list)
    model_version = models.CharField(_("模型版本"), max_length=40)
    scored_at = models.DateTimeField(_("评分时间"))
    ticket = models.ForeignKey(
        "desk.Ticket",
        verbose_name=_("预防性维护工单"),
        on_delete=models.SET_NULL,
        related_name="failure_risks",
        null=True,
        blank=True,
    )

    objects = ByTerminalQuerySet.as_manager()

    class Meta:
        verbose_name = _("故障风险")
        verbose_name_plural = pgettext_lazy("plural", "故障风险")
        ordering = ["-risk"]
        indexes = [models.Index(fields=["-risk"], name="failure_risk_top")]

    def __str__(self) -> str:
        return f"{self.terminal_id} {self.risk:.2f}"

    @property
    def percent(self) -> int:
        return round(self.risk * 100)


class UpdateCampaign(models.Model):
    """A firmware or app version rolled out in stages, each terminal in its merchant's quiet
    hour; halted on its own when failures rise after an update (fleet/campaigns.py)."""

    class Target(models.TextChoices):
        FIRMWARE = "firmware", _("固件")
        APP = "app", _("应用")

    class Status(models.TextChoices):
        DRAFT = "draft", _("草稿")
        RUNNING = "running", pgettext_lazy("campaign", "进行中")
        PAUSED = "paused", _("已暂停")
        HALTED = "halted", _("已自动停止")
        COMPLETED = "completed", _("已完成")

    name = models.CharField(_("名称"), max_length=80)
    target = models.CharField(_("升级对象"), max_length=8, choices=Target.choices)
    version = models.CharField(_("目标版本"), max_length=32)
    model = models.ForeignKey(
        "terminals.TerminalModel",
        verbose_name=_("型号"),
        on_delete=models.PROTECT,
        related_name="update_campaigns",
        null=True,
        blank=True,
        help_text=_("留空表示所有型号。"),
    )
    stages = models.JSONField(_("分批比例"), default=list)
    stage = models.PositiveSmallIntegerField(_("当前批次"), default=0)
    stage_started_at = models.DateTimeField(_("本批开始"), null=True, blank=True)
    status = models.CharField(
        _("状态"), max_length=10, choices=Status.choices, default=Status.DRAFT, db_index=True
    )
    observe_hours = models.PositiveSmallIntegerField(_("每批观察小时数"), default=24)
    min_volume = models.PositiveIntegerField(_("最小样本量"), default=50)
    halt_reason = models.JSONField(_("停止原因"), default=dict, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("创建人"),
        on_delete=models.PROTECT,
        related_name="fleet_campaigns",
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("升级任务")
        verbose_name_plural = pgettext_lazy("plural", "升级任务")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.name} → {self.version}"

    def halt_text(self) -> str:
        key = "en" if (get_language() or "").startswith("en") else "zh"
        return self.halt_reason.get(key, "")


class CampaignTarget(models.Model):
    """One terminal of a campaign: its stage, its slot in the merchant's quiet hour, and what
    happened when the update was pushed."""

    class Status(models.TextChoices):
        WAITING = "waiting", _("等待")
        SCHEDULED = "scheduled", _("已排期")
        PUSHED = "pushed", _("已推送")
        FAILED = "failed", _("推送失败")

    campaign = models.ForeignKey(
        UpdateCampaign,
        verbose_name=_("升级任务"),
        on_delete=models.CASCADE,
        related_name="targets",
    )
    terminal = models.ForeignKey(
        "terminals.Terminal",
        verbose_name=_("终端"),
        on_delete=models.CASCADE,
        related_name="campaign_targets",
    )
    stage = models.PositiveSmallIntegerField(_("批次"))
    quiet_hour = models.PositiveSmallIntegerField(_("商户空闲时段"))
    status = models.CharField(
        _("状态"), max_length=10, choices=Status.choices, default=Status.WAITING
    )
    scheduled_at = models.DateTimeField(_("计划推送时间"), null=True, blank=True)
    pushed_at = models.DateTimeField(_("推送时间"), null=True, blank=True)
    previous_version = models.CharField(_("原版本"), max_length=32, blank=True)

    objects = ByTerminalQuerySet.as_manager()

    class Meta:
        verbose_name = _("升级终端")
        verbose_name_plural = pgettext_lazy("plural", "升级终端")
        ordering = ["campaign", "stage", "scheduled_at"]
        constraints = [
            models.UniqueConstraint(fields=["campaign", "terminal"], name="one_target_per_campaign")
        ]
        indexes = [
            models.Index(fields=["campaign", "status", "scheduled_at"], name="campaign_due"),
        ]

    def __str__(self) -> str:
        return f"{self.campaign_id} {self.terminal_id} #{self.stage}"
