"""Demo outreach: eight weeks of contact history, merchants' preferences, a logged call to the
demo user `merchant` with a verification code, calls waiting for agents, a merchant contacted
too often (and complaining), scam reports, and a campaign ready to simulate."""

from __future__ import annotations

import datetime as dt
import random

from django.utils import timezone

from accounts.models import User
from core.language import bilingual
from core.types import DemoLog
from directory.models import RegisteredNumber
from merchants.models import Merchant
from outreach.codes import ALPHABET
from outreach.models import (
    CallTask,
    Campaign,
    ContactAttempt,
    ContactPreference,
    ContactRequest,
    FrequencyComplaint,
)
from outreach.services import (
    claim_call,
    file_request,
    log_call,
    report_scam,
    review_scam_report,
    simulate_campaign,
)

ORDER = 40
WEEKS = 8
DEMO_CODE = "K7Q4PM"  # the code of the logged call to the demo user `merchant` (README)

PURPOSE_WEIGHTS = {
    "service_followup": 30,
    "system_update": 20,
    "transaction_anomaly": 15,
    "security_verification": 5,
    "risk_alert": 5,
    "survey": 10,
    "marketing": 15,
}
CHANNEL_WEIGHTS = {"inbox": 40, "email": 10, "sms": 30, "voice": 5, "phone": 15}
# (Chinese, English): what the contact history shows each reader.
SUBJECTS = {
    "service_followup": [
        ("报修回访：打印机已更换", "Follow-up: the printer was replaced"),
        ("回访：上次的交易失败问题是否解决", "Follow-up: are the failed transactions solved?"),
    ],
    "system_update": [
        ("终端固件升级通知", "Terminal firmware update"),
        (
            "系统维护：周日 02:00–04:00 暂停交易",
            "Maintenance: no transactions on Sunday 02:00–04:00",
        ),
    ],
    "transaction_anomaly": [
        ("交易异常提醒：今日多笔交易失败", "Unusual transactions: several failed today"),
        ("疑似重复扣款，请核对", "Possible double charge: please check"),
    ],
    "security_verification": [
        ("结算账户变更核实", "Confirming a settlement account change"),
        ("新终端绑定核实", "Confirming a new terminal"),
    ],
    "risk_alert": [
        ("风险提示：谨防冒充客服的诈骗电话", "Warning: scam calls posing as customer service"),
        ("风险提示：境外卡大额交易", "Warning: large foreign-card transactions"),
    ],
    "survey": [("服务满意度调查", "Service satisfaction survey")],
    "marketing": [
        ("扫码费率优惠活动", "QR payment fee offer"),
        ("新款智能 POS 以旧换新", "Trade in for a new smart POS"),
    ],
}


def _code(rng: random.Random) -> str:
    return "".join(rng.choice(ALPHABET) for _ in range(6))


def _weighted(rng: random.Random, weights: dict[str, int]) -> str:
    return rng.choices(list(weights), weights=list(weights.values()))[0]


def _working_morning(now: dt.datetime, days_ago: int) -> dt.datetime:
    """10:30 local on a weekday `days_ago` or more days back."""
    local = timezone.localtime(now) - dt.timedelta(days=days_ago)
    while local.weekday() >= 5:
        local -= dt.timedelta(days=1)
    return local.replace(hour=10, minute=30, second=0, microsecond=0)


# size: the demo's outreach story told in order, one pass; runs once per demo database
def load(rng: random.Random, log: DemoLog) -> None:
    now = timezone.now()
    merchants = list(Merchant.objects.filter(status="active").order_by("merchant_id"))
    agents = list(User.objects.filter(role=User.Role.L1).order_by("agent_no"))
    supervisor = User.objects.get(username="supervisor")
    numbers = list(RegisteredNumber.objects.active().order_by("number"))
    by_institution: dict[int, list[RegisteredNumber]] = {}
    for number in numbers:
        by_institution.setdefault(number.institution_id, []).append(number)

    preferences = []
    for merchant in merchants:
        if rng.random() < 0.35:
            quiet = rng.choice([(21, 9), (22, 8), (20, 10), (12, 14)])
            preferences.append(
                ContactPreference(
                    merchant=merchant,
                    channels=rng.choice(
                        [
                            ["inbox", "email", "sms", "voice", "phone"],
                            ["inbox", "sms", "phone"],
                            ["inbox", "email"],
                        ]
                    ),
                    quiet_start=dt.time(quiet[0]),
                    quiet_end=dt.time(quiet[1]),
                    marketing_opt_in=rng.random() < 0.5,
                    survey_opt_in=rng.random() < 0.8,
                    call_cap_per_week=rng.choice([None, None, 1, 2]),
                )
            )
    # The desk's demo (before this one) declares an outage through the outreach policy, which
    # already made default preferences for the merchants it notified: those are overwritten.
    ContactPreference.objects.bulk_create(
        preferences,
        update_conflicts=True,
        unique_fields=["merchant"],
        update_fields=[
            "channels", "quiet_start", "quiet_end", "marketing_opt_in", "survey_opt_in",
            "call_cap_per_week",
        ],
    )  # fmt: skip
    log(f"  {len(preferences)} contact preferences")

    # Eight weeks of history: requests that were sent, and their attempts in the contact log.
    demo_user = User.objects.get(username="merchant")
    demo_merchants = set(demo_user.merchants.values_list("pk", flat=True))
    requests: list[ContactRequest] = []
    plans: list[tuple[str, RegisteredNumber | None, User | None, str]] = []
    for merchant in merchants:
        is_demo = merchant.pk in demo_merchants
        if rng.random() > 0.45 and not is_demo:
            continue
        optional_used: set[str] = set()
        for _ in range(rng.randint(4, 7) if is_demo else rng.randint(1, 6)):
            purpose = _weighted(rng, PURPOSE_WEIGHTS)
            if purpose in ("marketing", "survey"):
                # History stays within the monthly caps, so the dashboard flags real excess.
                if purpose in optional_used:
                    purpose = "service_followup"
                optional_used.add(purpose)
            channel = _weighted(rng, CHANNEL_WEIGHTS)
            if merchant.pk in demo_merchants and channel in ("voice", "phone"):
                channel = "sms"  # keeps the demo call below within the weekly call cap
            day = rng.randint(1, WEEKS * 7 - 1)
            sent = _working_morning(now, day) + dt.timedelta(minutes=rng.randint(0, 420))
            requests.append(
                ContactRequest(
                    merchant=merchant,
                    purpose=purpose,
                    urgency="normal" if purpose in ("survey", "marketing") else "high",
                    channels=[channel, "inbox"],
                    subject=(subject := rng.choice(SUBJECTS[purpose]))[0],
                    subject_en=subject[1],
                    content=(content := rng.choice(SUBJECTS[purpose]))[0],
                    content_en=content[1],
                    requested_by=supervisor,
                    source=rng.choice(["risk", "ops", "marketing", "console"]),
                    created_at=sent,
                    decision="send_now",
                    status="sent",
                    channel=channel,
                    sent_at=sent,
                    reasons=[],
                )
            )
            own = by_institution.get(merchant.acquirer_id or 0) or numbers
            line = rng.choice(own) if channel in ("sms", "voice", "phone") else None
            caller = rng.choice(agents) if channel == "phone" else None
            plans.append((channel, line, caller, _code(rng) if line else ""))
    ContactRequest.objects.bulk_create(requests, batch_size=1000)
    attempts = []
    for request, (channel, line, caller, code) in zip(requests, plans, strict=True):
        attempts.append(
            ContactAttempt(
                merchant_id=request.merchant_id,
                request=request,
                purpose=request.purpose,
                channel=channel,
                registered_number=line,
                from_number=line.number if line else "",
                agent=caller,
                agent_no=caller.agent_no or "" if caller else "",
                occurred_at=request.created_at,
                outcome=(
                    rng.choice(["answered", "answered", "answered", "no_answer"])
                    if channel == "phone"
                    else "sent"
                ),
                summary=request.subject,
                summary_en=request.subject_en,
                verification_code=code,
            )
        )
    ContactAttempt.objects.bulk_create(attempts, batch_size=1000)
    log(f"  {len(attempts)} logged contacts over {WEEKS} weeks")

    own_merchant = demo_user.merchants.order_by("merchant_id").first()
    agent = User.objects.get(username="agent")
    if own_merchant is not None:
        ContactPreference.objects.filter(merchant=own_merchant).delete()
        call_time = _working_morning(now, 2)
        request = file_request(
            merchant=own_merchant,
            purpose="risk_alert",
            urgency="high",
            channels=["phone", "sms"],
            subject=bilingual(
                "风险提示：近期有人冒充“银联客服”致电商户",
                "Warning: people posing as UnionPay customer service have been calling merchants",
            ),
            content=bilingual(
                "提醒：我们不会索要卡号、密码或短信验证码；如有疑问请挂断后拨打官方热线。",
                "We never ask for card numbers, PINs or SMS codes; if in doubt, hang up and call "
                "the official hotline.",
            ),
            requested_by=agent,
            source="risk",
            now=call_time,
        )
        task = CallTask.objects.get(request=request)
        task.verification_code = DEMO_CODE
        task.save(update_fields=["verification_code"])
        claim_call(task, agent)
        attempt = log_call(
            task,
            agent=agent,
            outcome="answered",
            summary="已提醒商户谨防冒充客服的诈骗电话，商户表示收到",
            registered_number=task.registered_number,
            now=call_time + dt.timedelta(minutes=3),
        )
        log(
            f"  logged call to {own_merchant.name}: number {attempt.from_display}, "
            f"code {DEMO_CODE}, agent {attempt.agent_no}"
        )

    # Calls waiting for the agents today.
    for merchant in merchants[40:43]:
        file_request(
            merchant=merchant,
            purpose="security_verification",
            urgency="urgent",
            channels=["phone"],
            subject=bilingual("结算账户变更核实", "Confirming a settlement account change"),
            content=bilingual(
                "商户提交了结算账户变更申请，请电话核实是否本人操作。",
                "The merchant asked to change its settlement account: call to confirm it was them.",
            ),
            justification="结算账户变更须在生效前电话核实本人（防止账户被盗改）",
            requested_by=agent,
            source="risk",
            now=now,
        )

    # A merchant contacted far too often, who complained.
    noisy = merchants[3]
    noisy_requests = [
        ContactRequest(
            merchant=noisy,
            purpose=purpose,
            urgency="high",
            channels=["phone"],
            subject=SUBJECTS[purpose][0][0],
            subject_en=SUBJECTS[purpose][0][1],
            content=SUBJECTS[purpose][0][0],
            content_en=SUBJECTS[purpose][0][1],
            requested_by=supervisor,
            source="ops",
            created_at=_working_morning(now, day + 1) + dt.timedelta(hours=day % 4),
            decision="send_now",
            status="sent",
            channel="phone",
            sent_at=_working_morning(now, day + 1) + dt.timedelta(hours=day % 4),
        )
        for day, purpose in enumerate(
            [
                "service_followup",
                "marketing",
                "service_followup",
                "survey",
                "system_update",
                "service_followup",
                "marketing",
            ]
        )
    ]
    ContactRequest.objects.bulk_create(noisy_requests)
    noisy_number = (by_institution.get(noisy.acquirer_id or 0) or numbers)[0]
    ContactAttempt.objects.bulk_create(
        ContactAttempt(
            merchant=noisy,
            request=r,
            purpose=r.purpose,
            channel="phone",
            registered_number=noisy_number,
            from_number=noisy_number.number,
            agent=agents[i % len(agents)],
            agent_no=agents[i % len(agents)].agent_no or "",
            occurred_at=r.created_at,
            outcome="answered" if i % 3 else "no_answer",
            summary=r.subject,
            summary_en=r.subject_en,
            verification_code=_code(rng),
        )
        for i, r in enumerate(noisy_requests)
    )
    FrequencyComplaint.objects.create(
        merchant=noisy,
        source=FrequencyComplaint.Source.PHONE,
        purpose="marketing",
        note="一周打了七次电话，午饭高峰也打，请别再推销了",
        contacts_last_30d=ContactAttempt.objects.filter(merchant=noisy).count(),
        raised_by=agent,
    )
    log(f"  {noisy.name} contacted {len(noisy_requests)} times this week, complaint filed")

    # Scam reports: one number confirmed by a supervisor, another waiting for review.
    reporters = list(User.objects.filter(username__in=["merchant", "merchant2", "merchant3"]))
    for index, user in enumerate(reporters):
        report = report_scam(
            reporter=user,
            number="+86 171 0000 1234",
            kind="call",
            claimed_to_be="银联客服",
            message="自称银联客服，说 POS 机要升级，让我报卡号和短信验证码",
            occurred_at=now - dt.timedelta(days=index + 1),
        )
        if index == 0:
            review_scam_report(
                report, reviewer=supervisor, status="confirmed", note="多位商户举报，同一话术"
            )
    for user in reporters[:2]:
        report_scam(
            reporter=user,
            number="16512345678",
            kind="sms",
            claimed_to_be="收单机构",
            message="短信说费率上调，点链接下载 App 办理降费",
        )
    log("  scam reports: 171 0000 1234 (confirmed), 165 1234 5678 (pending)")

    campaign = Campaign.objects.create(
        name="扫码费率优惠（华东）",
        purpose="marketing",
        urgency="normal",
        channels=["inbox", "sms"],
        subject="扫码费率限时优惠",
        content="本月起扫码交易费率 0.38%，详情见商户门户。",
        region_prefix="31",
        created_by=supervisor,
    )
    summary = simulate_campaign(campaign)
    log(f"  campaign simulated for {summary['merchants']} merchants: {summary['kinds']}")
