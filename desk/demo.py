"""Demo tickets: a month of history across categories, channels and states, open work with
SLA timers (a few breached), promised call-backs, a field visit, a replacement, an active
outage with linked tickets and a resolved one. Deterministic from the seeded generator."""

from __future__ import annotations

import datetime as dt
import random

from django.utils import timezone

from accounts.models import User
from core.types import DemoLog
from desk import services
from desk.defaults import ensure_defaults
from desk.models import (
    CannedResponse,
    Commitment,
    FieldVisit,
    Interaction,
    Outage,
    OutageUpdate,
    Queue,
    Ticket,
    TicketEvent,
)
from merchants.models import Merchant
from terminals.models import Terminal

ORDER = 30
HISTORY = 420  # resolved or closed tickets over the last 30 days
OPEN = 80

PROBLEMS = {
    "transaction_failure": [
        "刷卡提示“交易失败 51”",
        "扫码收款提示 96 系统故障",
        "交易超时，顾客被扣款",
    ],
    "card_reading": ["芯片卡读不出来", "挥卡没有反应", "磁条卡刷卡提示重刷"],
    "network_signin": ["签到失败，提示网络连接错误", "4G 信号差，经常掉线", "Wi-Fi 连接后无法签到"],
    "printer_paper": ["不出小票", "小票打印不清楚", "打印机卡纸"],
    "power_battery": ["机器开不了机", "电池充不进电", "用一会儿就自动关机"],
    "device_fault": ["屏幕碎了", "按键失灵", "机器进水后无法使用"],
    "funds_not_arrived": ["昨天的钱今天还没到账", "结算金额与交易金额不符"],
    "refund_dispute": ["顾客要求退货，不会操作撤销", "顾客说被重复扣款"],
    "fees": ["手续费比合同约定的高", "询问扫码手续费标准"],
    "account_risk": ["商户被冻结，无法收款", "收到风控调单通知"],
    "outreach_complaint": ["一天接到三个推销电话", "有人冒充银联客服打电话"],
    "other": ["如何修改结算账户", "申请增加一台终端"],
}
WEIGHTS = {
    "transaction_failure": 18,
    "card_reading": 10,
    "network_signin": 12,
    "printer_paper": 14,
    "power_battery": 7,
    "device_fault": 5,
    "funds_not_arrived": 12,
    "refund_dispute": 6,
    "fees": 4,
    "account_risk": 3,
    "outreach_complaint": 4,
    "other": 5,
}
CHANNELS = [
    ("phone", 55),
    ("portal", 15),
    ("assistant", 20),
    ("email", 3),
    ("api", 5),
    ("outbound", 2),
]
CANNED = [
    ("printer_paper", "换纸指导", "请打开打印机仓盖，确认热敏纸光面朝外放入，合上仓盖后试打一张。"),
    ("printer_paper", "清洁打印头", "请关机后用棉签蘸少量酒精轻擦打印头，晾干后开机重试。"),
    (
        "network_signin",
        "重新签到",
        "请在主菜单选择“签到”，如提示网络错误，请切换 4G/Wi-Fi 后重试。",
    ),
    (
        "transaction_failure",
        "51 余额不足",
        "应答码 51 表示持卡人账户余额不足，请顾客换卡或换其他支付方式。",
    ),
    (
        "funds_not_arrived",
        "结算周期说明",
        "您的结算周期为 T+1，节假日顺延到下一个工作日，请届时查看入账。",
    ),
    ("", "上门预约确认", "技术员会在预约时间前 30 分钟电话联系您，请保持电话畅通。"),
]


def _pick(rng: random.Random, weighted: dict[str, int] | list[tuple[str, int]]) -> str:
    items = list(weighted.items()) if isinstance(weighted, dict) else weighted
    return rng.choices([k for k, _ in items], weights=[w for _, w in items])[0]


def _ticket(
    rng: random.Random,
    merchant: Merchant,
    terminal: Terminal | None,
    category: str,
    created: dt.datetime,
    channel: str,
    staff: list[User],
) -> Ticket:
    ticket = Ticket(
        merchant=merchant,
        terminal=terminal,
        category=category,
        priority=services.DEFAULT_PRIORITY.get(category, rng.choice(["P3", "P3", "P4"])),
        channel=channel,
        description=rng.choice(PROBLEMS[category]),
        facts=services.known_facts(merchant, terminal, {"started_at": "今天上午"}),
        created_at=created,
        assignee=rng.choice(staff),
    )
    ticket.save()
    ticket.number = Ticket.format_number(ticket.pk, created)
    ticket.save(update_fields=["number"])
    TicketEvent.objects.create(ticket=ticket, kind="created", to_status="new", at=created)
    return ticket


def _reply(ticket: Ticket, agent: User, at: dt.datetime, text: str, kind: str = "call") -> None:
    Interaction.objects.create(
        ticket=ticket,
        kind=kind,
        channel="phone" if kind == "call" else ticket.channel,
        direction="outbound",
        is_public=True,
        author=agent,
        agent_no=agent.agent_no or "",
        author_label=agent.label,
        body=text,
        created_at=at,
    )
    TicketEvent.objects.create(ticket=ticket, kind="agent_reply", actor=agent, at=at)
    if ticket.first_responded_at is None:
        ticket.first_responded_at = at


def _status(ticket: Ticket, to: str, at: dt.datetime, by: User | None, reason: str) -> None:
    TicketEvent.objects.create(
        ticket=ticket,
        kind="status",
        from_status=ticket.status,
        to_status=to,
        at=at,
        actor=by,
        reason=reason,
    )
    ticket.status = to


# size: the demo's desk story told in order, one pass; runs once per demo database
def load(rng: random.Random, log: DemoLog) -> None:
    ensure_defaults()
    staff = {u.username: u for u in User.objects.exclude(role=User.Role.MERCHANT)}
    l1 = [staff[n] for n in ("agent", "agent2", "agent3") if n in staff]
    l2 = [staff[n] for n in ("tech", "tech2") if n in staff]
    if not l1 or not l2:
        log("  desk: demo staff missing, skipped")
        return
    Queue.objects.get(code="l1").members.set(l1)
    Queue.objects.get(code="l2-tech").members.set(l2)
    if "supervisor" in staff:
        Queue.objects.get(code="supervisor").members.set([staff["supervisor"]])
    CannedResponse.objects.bulk_create(
        CannedResponse(category=c, title=t, body=b) for c, t, b in CANNED
    )
    queues = {q.tier: q for q in Queue.objects.all()}
    now = timezone.now().replace(microsecond=0)
    # The demo merchant users' merchants come first, so the portal logins have tickets.
    own = list(Merchant.objects.filter(members__isnull=False).distinct().order_by("merchant_id"))
    active_merchants = list(Merchant.objects.filter(status="active").order_by("merchant_id"))
    merchants = own + rng.sample(active_merchants, min(600, len(active_merchants)))
    terminals: dict[int, list[Terminal]] = {}
    for terminal in Terminal.objects.filter(merchant__in=merchants).select_related("model"):
        terminals.setdefault(terminal.merchant_id, []).append(terminal)

    def make(i: int, created: dt.datetime) -> Ticket:
        merchant = merchants[i % len(merchants)] if i < len(own) else rng.choice(merchants)
        category = _pick(rng, WEIGHTS)
        device = category in (
            "transaction_failure",
            "card_reading",
            "network_signin",
            "printer_paper",
            "power_battery",
            "device_fault",
        )
        terminal = (
            rng.choice(terminals[merchant.pk]) if device and terminals.get(merchant.pk) else None
        )
        ticket = _ticket(rng, merchant, terminal, category, created, _pick(rng, CHANNELS), l1)
        ticket.queue = queues["l1"]
        return ticket

    # History: resolved within minutes (first contact) to days (visits, replacements).
    for i in range(HISTORY):
        created = now - dt.timedelta(days=rng.uniform(1, 30))
        ticket = make(i, created)
        agent = ticket.assignee
        assert agent is not None  # every demo ticket is assigned when made
        first = created + dt.timedelta(minutes=rng.choice([2, 5, 10, 20, 45, 90, 240]))
        _reply(ticket, agent, first, "已联系商户，了解问题。")
        _status(ticket, "open", first, agent, "已响应商户")
        roll = rng.random()
        if roll < 0.55:
            code, done = "first_contact", first + dt.timedelta(minutes=rng.randint(3, 25))
        elif roll < 0.75:
            code, done = "remote_fix", first + dt.timedelta(hours=rng.uniform(1, 20))
        elif roll < 0.9:
            code, done = "field_visit", first + dt.timedelta(hours=rng.uniform(18, 60))
            ticket.tier = "l2"
        elif roll < 0.95:
            code, done = "replaced", first + dt.timedelta(hours=rng.uniform(30, 90))
            ticket.tier = "l2"
        elif roll < 0.97:
            code, done = "referred", first + dt.timedelta(hours=rng.uniform(2, 30))
        else:
            code, done = "outage", first + dt.timedelta(hours=rng.uniform(1, 3))
        done = min(done, now - dt.timedelta(minutes=5))
        _status(ticket, "resolved", done, agent, "问题已解决")
        ticket.resolution_code, ticket.resolved_at = code, done
        if rng.random() < 0.45:
            ticket.rating = rng.choices([5, 4, 3, 2, 1], weights=[55, 25, 10, 6, 4])[0]
            ticket.rated_at = done + dt.timedelta(hours=2)
        if done < now - dt.timedelta(days=7) and rng.random() < 0.7:
            _status(ticket, "closed", done + dt.timedelta(days=7), None, "解决后 7 天自动关闭")
        ticket.save()
        services.refresh_sla(ticket, now=now)
    log(f"  {HISTORY} resolved tickets")

    # Open work: some fresh, some waiting for the merchant, some escalated, some breached.
    open_tickets = []
    for i in range(OPEN):
        created = now - dt.timedelta(hours=rng.uniform(0.1, 72))
        ticket = make(i, created)
        agent = ticket.assignee
        assert agent is not None  # every demo ticket is assigned when made
        roll = rng.random()
        if roll > 0.25:
            first = created + dt.timedelta(minutes=rng.randint(3, 60))
            if first < now:
                _reply(ticket, agent, first, "已致电商户，正在排查。")
                _status(ticket, "open", first, agent, "已响应商户")
                if roll > 0.8:
                    _status(ticket, "pending_merchant", first, agent, "请商户提供小票照片")
                elif roll > 0.6 and ticket.terminal:
                    ticket.tier, ticket.queue = "l2", queues["l2"]
                    ticket.assignee = rng.choice(l2)
                    TicketEvent.objects.create(
                        ticket=ticket,
                        kind="escalated",
                        actor=agent,
                        at=first,
                        reason="电话指导无效，疑似硬件故障",
                        data={"from_tier": "l1", "to_tier": "l2"},
                    )
        ticket.save()
        services.refresh_sla(ticket, now=now)
        open_tickets.append(ticket)
    log(f"  {OPEN} open tickets")

    # Promised call-backs (two already overdue) and a scheduled field visit.
    for ticket in open_tickets[:10]:
        due = now + dt.timedelta(hours=rng.uniform(-2, 6))
        Commitment.objects.create(
            ticket=ticket,
            owner=ticket.assignee or l1[0],
            promise="回电告知处理进展",  # the time is the commitment's due time
            promise_en="Call back with news of the ticket",
            due_at=due,
            created_by=ticket.assignee or l1[0],
        )
    visit_ticket = next(t for t in open_tickets if t.terminal_id and t.tier == "l2")
    start = (timezone.localtime(now) + dt.timedelta(days=1)).replace(hour=10, minute=0, second=0)
    FieldVisit.objects.create(
        ticket=visit_ticket,
        technician=visit_ticket.assignee or l2[0],
        window_start=start,
        window_end=start + dt.timedelta(hours=2),
        address=visit_ticket.merchant.address,
        created_by=visit_ticket.assignee or l2[0],
    )
    Interaction.objects.create(
        ticket=visit_ticket,
        kind="visit",
        channel=visit_ticket.channel,
        direction="outbound",
        is_public=True,
        author=visit_ticket.assignee,
        agent_no=(visit_ticket.assignee.agent_no or "") if visit_ticket.assignee else "",
        author_label=visit_ticket.assignee.label if visit_ticket.assignee else "",
        body=f"已安排技术员上门，预约时间 {start:%Y-%m-%d %H:%M}–12:00",
        created_at=now,
    )

    # An active regional outage with linked tickets, and last week's resolved maintenance.
    # Declared through the desk's service: every merchant of Guangdong is told once (outreach).
    supervisor = staff.get("supervisor", l1[0])
    active = services.declare_outage(
        title="广东地区 4G 网络故障",
        title_en="4G network failure in Guangdong",
        kind="network",
        region_code="44",
        public_message="运营商基站故障，广东地区部分 4G 终端无法签到和交易，可暂时改用 Wi-Fi。",
        public_message_en=(
            "A carrier's base stations are down: some 4G terminals in Guangdong cannot sign in"
            " or take payments. Switch to Wi-Fi for now."
        ),
        started_at=now - dt.timedelta(hours=2),
        expected_recovery_at=now + dt.timedelta(hours=3),
        by=supervisor,
    )
    cantonese = [m for m in active_merchants if m.region_code.startswith("44")]
    cantonese = rng.sample(cantonese, min(25, len(cantonese)))
    linked = []
    for merchant in cantonese:
        own_terminals = terminals.get(merchant.pk) or list(merchant.terminals.all()[:1])
        ticket = _ticket(
            rng,
            merchant,
            own_terminals[0] if own_terminals else None,
            "network_signin",
            now - dt.timedelta(minutes=rng.randint(5, 110)),
            "phone",
            l1,
        )
        ticket.outage, ticket.queue, ticket.priority = active, queues["l1"], "P2"
        ticket.save()
        services.refresh_sla(ticket, now=now)
        linked.append(ticket)
    past = Outage.objects.create(
        title="银联系统例行维护",
        title_en="Routine UnionPay maintenance",
        kind="maintenance",
        public_message="系统维护已完成，交易恢复正常。",
        public_message_en="Maintenance is complete; payments work normally again.",
        started_at=now - dt.timedelta(days=6, hours=3),
        expected_recovery_at=now - dt.timedelta(days=6, hours=1),
        resolved_at=now - dt.timedelta(days=6, hours=1),
        status=Outage.Status.RESOLVED,
        created_by=supervisor,
    )
    Ticket.objects.filter(resolution_code="outage").update(outage=past)
    for kind, at, message, message_en in (
        (
            "declared",
            past.started_at,
            "银联系统例行维护，期间部分交易可能失败，请改用其他收款方式。",
            "Routine UnionPay maintenance: some payments may fail meanwhile; take payment"
            " another way.",
        ),
        ("resolved", past.resolved_at or now, past.public_message, past.public_message_en),
    ):
        OutageUpdate.objects.create(
            outage=past,
            kind=kind,
            message=message,
            message_en=message_en,
            posted_at=at,
            posted_by=supervisor,
        )
    log(f"  outages: 1 active with {len(linked)} tickets, 1 resolved; 10 commitments, 1 visit")
