"""WeChat Official Account: the message callback (plain and safe mode), binding a WeChat user
to a merchant user by an SMS code sent to that user's registered phone, and text messages
answered by the assistant — the same answers and hand-off as the portal.

Security: the signature (and in safe mode the AES envelope and AppID) is checked before
anything is read; a timestamp more than 5 minutes off is refused; XML is parsed with
defusedxml; each MsgId is answered once (WeChat's retries get the same reply).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import secrets
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING
from xml.sax.saxutils import escape

from defusedxml import ElementTree
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from channels import wechat_crypto
from channels.models import Integration, WeChatFollower, WeChatMessage
from core.masking import mask_pans_in_text, mask_phone
from core.phones import PhoneNumberError, normalize_phone

if TYPE_CHECKING:
    from accounts.models import User

FRESH_SECONDS = 300
CODE_VALID = dt.timedelta(minutes=10)
MAX_CODE_ATTEMPTS = 5
_BIND = re.compile(r"^\s*(?:绑定|bind)\s*([+\d][\d\s-]{6,20})\s*$", re.IGNORECASE)
_CODE = re.compile(r"^\s*(\d{6})\s*$")


@dataclass(frozen=True)
class Inbound:
    openid: str
    account: str
    msg_type: str
    text: str
    msg_id: str


def _fields(xml: str) -> dict[str, str]:
    try:
        root = ElementTree.fromstring(xml)
    except Exception:  # defusedxml raises several kinds; any of them is "not our XML"
        raise wechat_crypto.WeChatCryptoError("bad_xml") from None
    return {child.tag: (child.text or "") for child in root}


def open_envelope(integration: Integration, query: dict[str, str], body: str) -> Inbound:
    """Check the signature (and decrypt in safe mode); raise WeChatCryptoError if not ours."""
    token, stamp, nonce = integration.secret, query.get("timestamp", ""), query.get("nonce", "")
    if not stamp.isdigit() or abs(time.time() - int(stamp)) > FRESH_SECONDS:
        raise wechat_crypto.WeChatCryptoError("stale")
    if query.get("encrypt_type") == "aes":
        encrypted = _fields(body).get("Encrypt", "")
        wechat_crypto.check_signature(
            query.get("msg_signature", ""), token, stamp, nonce, encrypted
        )
        body = wechat_crypto.decrypt(encrypted, integration.aes_key, integration.app_id)
    else:
        wechat_crypto.check_signature(query.get("signature", ""), token, stamp, nonce)
    fields = _fields(body)
    return Inbound(
        openid=fields.get("FromUserName", "")[:64],
        account=fields.get("ToUserName", "")[:64],
        msg_type=fields.get("MsgType", ""),
        text=mask_pans_in_text(fields.get("Content", "").strip())[:1000],
        msg_id=(fields.get("MsgId") or f"{fields.get('FromUserName')}:{fields.get('CreateTime')}")[
            :64
        ],
    )


def reply_xml(integration: Integration, inbound: Inbound, text: str, query: dict[str, str]) -> str:
    """The passive reply; sealed again in safe mode."""
    xml = (
        f"<xml><ToUserName><![CDATA[{inbound.openid}]]></ToUserName>"
        f"<FromUserName><![CDATA[{inbound.account}]]></FromUserName>"
        f"<CreateTime>{int(time.time())}</CreateTime><MsgType><![CDATA[text]]></MsgType>"
        f"<Content>{escape(text)}</Content></xml>"
    )
    if query.get("encrypt_type") != "aes":
        return xml
    encrypted = wechat_crypto.encrypt(xml, integration.aes_key, integration.app_id)
    stamp, nonce = str(int(time.time())), secrets.token_hex(8)
    sig = wechat_crypto.signature(integration.secret, stamp, nonce, encrypted)
    return (
        f"<xml><Encrypt><![CDATA[{encrypted}]]></Encrypt><MsgSignature>{sig}</MsgSignature>"
        f"<TimeStamp>{stamp}</TimeStamp><Nonce>{nonce}</Nonce></xml>"
    )


def _digest(code: str) -> str:
    return hashlib.sha256(code.encode()).hexdigest()


def _start_binding(follower: WeChatFollower, raw_phone: str) -> str:
    from accounts.models import User
    from notifications.transports.sms import sms_provider

    try:
        phone = normalize_phone(raw_phone, allow_service=False)
    except PhoneNumberError as error:
        return str(error)
    national = phone.removeprefix("+86")
    user = (
        User.objects.filter(role=User.Role.MERCHANT, is_active=True, phone__in=[phone, national])
        .order_by("pk")
        .first()
    )
    # The same answer whether or not the number is registered: no way to probe for users.
    answer = _(
        "如果 %(phone)s 是已登记的商户用户手机号，验证码已发送，请在 10 分钟内回复 6 位验证码。"
    )
    answer %= {"phone": mask_phone(phone)}
    if user is None:
        return answer
    code = f"{secrets.randbelow(10**6):06d}"
    follower.pending_user = user
    follower.code_digest = _digest(code)
    follower.code_expires_at = timezone.now() + CODE_VALID
    follower.code_attempts = 0
    follower.save()
    text = _("【poscare】微信绑定验证码 %(code)s，10 分钟内有效。如非本人操作请忽略。") % {
        "code": code
    }
    transaction.on_commit(lambda: sms_provider().send_sms(phone, text))
    return answer


def _finish_binding(follower: WeChatFollower, code: str) -> str:
    if follower.pending_user_id is None or not follower.code_expires_at:
        return _("请先发送“绑定 手机号”。")
    if follower.code_expires_at < timezone.now() or follower.code_attempts >= MAX_CODE_ATTEMPTS:
        return _("验证码已失效，请重新发送“绑定 手机号”。")
    follower.code_attempts += 1
    if not secrets.compare_digest(follower.code_digest, _digest(code)):
        follower.save(update_fields=["code_attempts"])
        return _("验证码不正确。")
    follower.user, follower.pending_user = follower.pending_user, None
    follower.code_digest, follower.code_expires_at, follower.bound_at = "", None, timezone.now()
    follower.save()
    return _("绑定成功。现在可以直接发送问题，例如“刷卡显示51”。")


def _ask_assistant(user: User, text: str) -> str:
    from assistant import services as assistant
    from assistant.models import Conversation

    conversation = assistant.current_conversation(user, None, Conversation.Channel.API)
    if conversation is None:
        conversation = assistant.start_conversation(
            user=user, session_key=None, channel=Conversation.Channel.API
        )
    try:
        exchange = assistant.post_message(conversation, text, user=user)
        # While an agent holds the conversation the assistant is silent: no passive reply.
        return exchange.outbound.text if exchange.outbound is not None else ""
    except assistant.AssistantError as error:
        return str(error.message)


def answer(integration: Integration, inbound: Inbound) -> str:
    """What poscare says back to one message: binding steps, or the assistant's answer."""
    follower, _created = WeChatFollower.objects.select_for_update().get_or_create(
        integration=integration, openid=inbound.openid
    )
    # Every message opens WeChat's 48-hour window for customer-service messages.
    follower.last_message_at = timezone.now()
    follower.save(update_fields=["last_message_at"])
    if inbound.msg_type != "text":
        return _("目前只支持文字消息。")
    if match := _BIND.match(inbound.text):
        # Template messages follow the language the binding was asked in.
        follower.language = "en" if inbound.text.strip()[:4].lower() == "bind" else "zh"
        return _start_binding(follower, match.group(1))
    if follower.user is None:
        if match := _CODE.match(inbound.text):
            return _finish_binding(follower, match.group(1))
        return _("请先绑定商户账号：发送“绑定 手机号”（商户用户登记的手机号）。")
    return _ask_assistant(follower.user, inbound.text)


def handle(integration: Integration, inbound: Inbound) -> str:
    """Answer a message once; WeChat's retry of the same MsgId gets the stored reply."""
    seen = WeChatMessage.objects.filter(integration=integration, msg_id=inbound.msg_id)
    if found := seen.first():
        return found.reply
    try:
        with transaction.atomic():
            text = answer(integration, inbound)
            WeChatMessage.objects.create(
                integration=integration,
                msg_id=inbound.msg_id,
                openid=inbound.openid,
                text=inbound.text,
                reply=text,
            )
    except IntegrityError:
        return seen.get().reply
    return text
