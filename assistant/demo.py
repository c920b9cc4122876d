"""Demo data of the assistant: knowledge-base articles (zh + en) for the common intents, and
sample conversations run through the real dialogue, spread over the last two weeks so the
supervisor dashboard has something to show."""

from __future__ import annotations

import datetime as dt
import random
from typing import TYPE_CHECKING, Any

from django.utils import timezone

if TYPE_CHECKING:
    from core.types import DemoLog

ORDER = 50

ARTICLES: list[dict[str, Any]] = [
    {
        "slug": "settlement-cycles",
        "intents": ["settlement_rules", "funds_not_arrived"],
        "title_zh": "刷卡的钱什么时候到账",
        "title_en": "When card takings reach your account",
        "body_zh": (
            "到账时间取决于您签约的结算周期：\n"
            "· T+1：下一个工作日到账，周末和法定节假日顺延到节后第一个工作日；\n"
            "· T+0：当个工作日到账，周末顺延；\n"
            "· D+1：下一个自然日到账，周末节假日照常；\n"
            "· D+0：当天到账；\n"
            "· S0（秒到）：在每日时段和额度内几分钟到账，超出后按约定周期结算。\n"
            "日切时间（通常 23:00）之后的交易计入下一天。"
        ),
        "body_en": (
            "When the money arrives depends on your settlement cycle:\n"
            "· T+1: the next working day; weekends and public holidays push it to the first "
            "working day after;\n"
            "· T+0: the same working day; weekends roll over;\n"
            "· D+1: the next calendar day, weekends and holidays included;\n"
            "· D+0: the same day;\n"
            "· S0 (instant): within minutes inside the daily window and quota, otherwise on "
            "the agreed cycle.\n"
            "Transactions after the cut-off (usually 23:00) count towards the next day."
        ),
    },
    {
        "slug": "void-refund-reversal",
        "intents": ["refund_void"],
        "title_zh": "撤销、退货和冲正有什么区别",
        "title_en": "Void, refund and reversal",
        "body_zh": (
            "· 消费撤销：只能撤销当天（结算前）的交易，在终端选“撤销”，输入主管密码和原凭证号，"
            "顾客不会被扣款。\n"
            "· 退货：隔天或更早的交易用“退货”，需要原交易参考号和日期，款项原路退回顾客卡，"
            "一般 1–7 个工作日。\n"
            "· 冲正：终端在交易超时等情况下自动发起，用来取消一笔结果不明的交易，无需手工操作。"
        ),
        "body_en": (
            "· Void: only for today's transactions (before settlement). Choose “Void” on the "
            "terminal, enter the supervisor password and the original voucher number; the "
            "customer is not charged.\n"
            "· Refund: for earlier transactions; needs the original reference number and date. "
            "The money goes back to the customer's card, usually within 1–7 working days.\n"
            "· Reversal: sent by the terminal itself (after a timeout, for example) to cancel a "
            "transaction whose result is unknown; nothing to do by hand."
        ),
    },
    {
        "slug": "charged-twice",
        "intents": ["duplicate_charge"],
        "title_zh": "顾客说被扣了两次款",
        "title_en": "A customer says they were charged twice",
        "body_zh": (
            "先在终端“交易查询”里看是否真有两笔成功的交易（看凭证号和参考号）。"
            "如果只有一笔成功，另一笔多半是失败或已冲正的交易，银行的冻结会自动解除。"
            "如果确有两笔成功，请对其中一笔做“撤销”（当天）或“退货”（隔天）。"
        ),
        "body_en": (
            "First check “Transaction query” on the terminal for two approved transactions "
            "(compare voucher and reference numbers). If only one succeeded, the other was "
            "declined or reversed and the bank's hold is released automatically. If both "
            "succeeded, void one (same day) or refund it (later)."
        ),
    },
    {
        "slug": "fees",
        "intents": ["fee_rate"],
        "title_zh": "手续费和到账金额",
        "title_en": "Fees and the amount you receive",
        "body_zh": (
            "到账金额 = 交易金额 − 手续费。费率以您的商户协议为准，不同卡种（借记卡、信用卡、"
            "扫码）费率不同，借记卡可能有封顶。正规收单机构不会以“升级”“降费率”为名收取费用，"
            "也不会要求您下载其他 App。"
        ),
        "body_en": (
            "The amount you receive = the transaction amount − the fee. Your rates are in your "
            "merchant agreement and differ by card type (debit, credit, QR); debit cards may "
            "have a cap. Real acquirers never charge to “upgrade” or “lower your rate” and never "
            "ask you to install another app."
        ),
    },
    {
        "slug": "account-frozen",
        "intents": ["account_frozen"],
        "title_zh": "商户或资金被冻结",
        "title_en": "Merchant or funds frozen",
        "body_zh": (
            "风控冻结一般因为交易异常（如大额、集中、跨地区交易）或资料需要补充。"
            "冻结期间资金是安全的。需要由客服核实原因并告诉您要补充的材料，请不要相信"
            "“交钱解冻”的电话。"
        ),
        "body_en": (
            "A risk hold usually follows unusual transactions (large, bunched, from other "
            "regions) or missing documents. The money is safe while frozen. An agent must check "
            "the reason and tell you which documents to provide; never trust calls asking for "
            "money to “unfreeze” an account."
        ),
    },
    {
        "slug": "change-settlement-account",
        "intents": ["settlement_account_change"],
        "title_zh": "变更结算账户",
        "title_en": "Changing the settlement account",
        "body_zh": (
            "变更结算卡需要法人本人申请，并提供身份证、新结算卡和营业执照。"
            "审核通过前，款项仍结算到原账户。"
        ),
        "body_en": (
            "The legal representative must apply in person with their ID card, the new "
            "settlement card and the business licence. Until approval, money still goes to the "
            "old account."
        ),
    },
    {
        "slug": "fewer-calls",
        "intents": ["too_many_calls"],
        "title_zh": "电话太多，想少接一些",
        "title_en": "Too many calls",
        "body_zh": (
            "我们只会用登记过的官方号码联系您，并遵守联系频次规定。您可以告诉我们希望的联系时间"
            "和方式，或不再接收营销电话；交易安全和故障通知仍会保留。"
        ),
        "body_en": (
            "We only call from registered official numbers and follow contact limits. Tell us "
            "when and how you prefer to be contacted, or opt out of marketing calls; security "
            "and fault notices continue."
        ),
    },
    {
        "slug": "apply-pos",
        "intents": ["apply_pos"],
        "title_zh": "申请 POS 机",
        "title_en": "Applying for a POS terminal",
        "body_zh": (
            "有营业执照的商户或个体工商户可以申请，需要法人身份证、结算银行卡和经营场所照片。"
            "请只通过收单机构官方渠道申请，不要相信“免费送机”“刷卡返现”的推销。"
        ),
        "body_en": (
            "Businesses and sole traders with a business licence can apply with the legal "
            "representative's ID card, a settlement bank card and photos of the premises. Apply "
            "only through the acquirer's official channels; ignore “free POS” or “cash-back” "
            "sales calls."
        ),
    },
    {
        "slug": "cancel-pos",
        "intents": ["cancel_pos"],
        "title_zh": "注销或退还 POS 机",
        "title_en": "Cancelling or returning a terminal",
        "body_zh": (
            "注销前请先完成当天的结算，确认没有未到账的款项。机具押金按协议退还。"
            "需要客服登记注销并安排收回机具。"
        ),
        "body_en": (
            "Before cancelling, settle the day and make sure no payment is still pending. The "
            "deposit is refunded as agreed. An agent registers the cancellation and arranges "
            "collection of the terminal."
        ),
    },
    {
        "slug": "merchant-name-mismatch",
        "intents": ["merchant_name_mismatch"],
        "title_zh": "小票上的商户名称不对（跳码）",
        "title_en": "Wrong merchant name on the slip",
        "body_zh": (
            "签购单或账单上显示别的商户名称、行业或地区，可能是终端参数错误，也可能是违规“跳码”。"
            "请保留小票，由客服核查终端参数。"
        ),
        "body_en": (
            "If slips or statements show another merchant's name, category or region, the "
            "terminal parameters may be wrong, or the terminal may be misrouted. Keep the slip; "
            "an agent checks the parameters."
        ),
    },
    {
        "slug": "sign-in-and-settle",
        "intents": ["how_to_operate", "network_signin"],
        "title_zh": "签到、结算和重打印",
        "title_en": "Sign in, batch settlement and reprint",
        "body_zh": (
            "· 签到：开机后在主菜单选“签到”，输入操作员号（常见 01）和密码。\n"
            "· 结算：每天营业结束选“结算”，打印结算单核对笔数和金额。\n"
            "· 重打印：选“打印”→“重打印最后一笔”或按凭证号重打。"
        ),
        "body_en": (
            "· Sign in: after switching on, choose “Sign in” and enter the operator number "
            "(often 01) and password.\n"
            "· Settlement: at closing, choose “Settle” and check the count and total on the "
            "printed report.\n"
            "· Reprint: “Print” → “Reprint last” or reprint by voucher number."
        ),
    },
]

# (user name or None for an anonymous visitor, messages, days ago)
CONVERSATIONS: list[tuple[str | None, list[str], int]] = [
    ("merchant2", ["刷卡显示51"], 13),
    (None, ["有人打电话说是银联的，要我提供验证码"], 12),
    (None, ["T+1周末到账吗"], 11),
    ("merchant3", ["做撤销提示原交易不存在", "撤销与退货"], 10),
    (None, ["你们能帮我订机票吗"], 9),
    ("merchant2", ["pos机显示A0", "谢谢"], 8),
    (None, ["银联的客服电话是多少"], 7),
    ("merchant3", ["刷卡老是读不出来", "好了，谢谢"], 6),
    (None, ["钱的问题"], 5),
    ("merchant2", ["今天的交易查一下"], 4),
    (None, ["手续费怎么算的"], 3),
    ("merchant3", ["打印不出小票", "还是不行", "还是不行", "还是不行"], 2),
    ("merchant", ["转人工"], 1),
    (None, ["POS機顯示96是什麼意思"], 0),
]


def load(rng: random.Random, log: DemoLog) -> None:
    from accounts.models import User
    from assistant import services
    from assistant.models import Article, Conversation, Message

    for data in ARTICLES:
        Article.objects.update_or_create(slug=data["slug"], defaults=data)
    log(f"  {len(ARTICLES)} knowledge-base articles")

    now = timezone.now()
    for number, (username, texts, days_ago) in enumerate(CONVERSATIONS):
        user = User.objects.filter(username=username).first() if username else None
        if username and user is None:
            continue
        from django.contrib.auth.models import AnonymousUser

        who = user or AnonymousUser()
        conversation = services.start_conversation(
            user=who, session_key=f"demo-session-{number}", channel="portal"
        )
        at = now - dt.timedelta(days=days_ago, minutes=rng.randint(0, 600))
        for text in texts:
            exchange = services.post_message(conversation, text, user=who)
        for _question in range(3):  # answer the hand-off questions by tapping the first reply
            reply = exchange.reply
            if reply is None or reply.action != "ask" or not reply.quick_replies:
                break
            exchange = services.post_message(conversation, reply.quick_replies[0], user=who)
        Conversation.objects.filter(pk=conversation.pk).update(started_at=at, updated_at=at)
        Message.objects.filter(conversation=conversation).update(created_at=at)
    log(f"  {len(CONVERSATIONS)} sample conversations")
