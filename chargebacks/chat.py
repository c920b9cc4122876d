"""The assistant's answer to chargebacks, retrieval requests (拒付, 调单) and suspected card
fraud (盗刷). The intent names are a contract with no such intent, so this is a topic
recognised inside the answer routing (`assistant.dialogue` calls `topic_reply` in one place):
a rule on the words, which wins over the classifier's intent unless the message is about a
caller (verifying a call, too many calls, a hotline)."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from django.urls import reverse
from django.utils.translation import gettext as _

if TYPE_CHECKING:
    from accounts.models import User

CHARGEBACK = re.compile(r"拒付|调单|退单|chargeback|charge[- ]?back|retrieval request", re.I)
FRAUD = re.compile(
    r"盗刷|被盗|伪卡|不是本人刷|不是我刷|stolen card|card fraud|fraudulent|\bfraud\b", re.I
)
# Messages about a caller are the verify-caller flow's, even when they say "fraud".
ABOUT_CALLERS = frozenset({"verify_caller", "too_many_calls", "hotline"})


def topic_of(text: str, intent: str) -> str | None:
    if intent in ABOUT_CALLERS:
        return None
    if CHARGEBACK.search(text):
        return "chargeback"
    if FRAUD.search(text):
        return "fraud"
    return None


def _open_cases(user: User) -> list[Any]:
    from chargebacks.models import Case

    if not getattr(user, "is_authenticated", False):
        return []
    return list(Case.objects.visible_to(user).open()[:3])


def topic_reply(ctx: Any) -> Any:
    """A Reply for a chargeback or fraud message, or None when the message is about neither."""
    from assistant.turn import Reply

    topic = topic_of(ctx.text, ctx.understanding.intent)
    if topic is None:
        return None
    cases = _open_cases(ctx.user)
    if topic == "fraud":
        text = _(
            "疑似盗刷（顾客说不是本人刷的卡）请这样处理：\n"
            "1. 不要给顾客退现金或转账，也不要“退款到另一张卡”；\n"
            "2. 停止接受可疑的卡，保留签购单、小票和监控；\n"
            "3. 在门户“拒付与盗刷”里报告，我们会转给风控团队核查并联系您；\n"
            "4. 金额较大或有人冒用身份时，可以向公安机关报案。"
        )
        link = reverse("report_fraud")
    else:
        text = _(
            "拒付或调单是发卡行代持卡人对交易提出的异议。收到通知后，请在回复期限前上传"
            "签购单、小票、发货或服务凭证等材料；逾期未回复，款项可能被扣回。"
        )
        link = reverse("portal_cases")
    if cases:
        listed = "\n".join(
            f"· {case.number} {case.get_kind_display()} {case.get_status_display()}"
            for case in cases
        )
        text += "\n\n" + _("您的未结案件：") + "\n" + listed
    text += "\n" + link
    return Reply(
        text=text,
        action="answer",
        intent=ctx.understanding.intent,
        quick_replies=[_("转人工")],
    )
