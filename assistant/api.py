"""POST /api/assistant/messages: apps and messaging platforms talk to the assistant."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.http import Http404
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.exceptions import PermissionDenied
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from assistant import services
from assistant.models import Conversation
from core.errors import in_both_languages
from core.schema import api_error
from core.types import user_of

if TYPE_CHECKING:
    pass


class MessageIn(serializers.Serializer):
    conversation = serializers.UUIDField(
        required=False, allow_null=True, help_text="Omit to start a new conversation."
    )
    text = serializers.CharField(max_length=services.MAX_MESSAGE_LENGTH)
    language = serializers.ChoiceField(choices=["zh-hans", "en"], required=False)
    after = serializers.IntegerField(
        required=False,
        allow_null=True,
        min_value=0,
        max_value=2**63 - 1,  # a message number is a 64-bit key: larger never matches
        help_text="The `message` of the last reply received. The same text sent again after the "
        "same reply (a retry) is answered once: the first answer comes back, nothing is stored "
        "twice.",
    )


class MessageOut(serializers.Serializer):
    conversation = serializers.UUIDField()
    message = serializers.IntegerField(help_text="This reply's number: send it as `after`.")
    reply = serializers.CharField(
        allow_blank=True, help_text="empty while an agent holds the conversation (live take-over)"
    )
    intent = serializers.CharField()
    confidence = serializers.FloatField()
    action = serializers.CharField(
        allow_blank=True,
        help_text="answer, clarify, ask (collecting facts) or handoff; empty while an agent "
        "holds the conversation",
    )
    entities = serializers.DictField()
    quick_replies = serializers.ListField(child=serializers.CharField())
    ticket = serializers.CharField(allow_null=True)


class PostMessage(APIView):
    """Send a merchant's message; get the assistant's reply. Merchant users only (staff read
    transcripts in the console); a conversation can only be continued by its owner."""

    @extend_schema(
        request=MessageIn,
        responses={
            200: MessageOut,
            404: api_error(404, "no such conversation of the caller's"),
            409: api_error(409, "the conversation has ended: send without it to start a new one"),
        },
    )
    def post(self, request: Request) -> Response:
        user = user_of(request)
        if user.is_agent:
            raise PermissionDenied("The assistant answers merchants; staff read transcripts.")
        incoming = MessageIn(data=request.data)
        incoming.is_valid(raise_exception=True)
        data = incoming.validated_data
        conversation = None
        if data.get("conversation"):
            conversation = (
                Conversation.objects.visible_to(user)
                .filter(public_id=data["conversation"], channel=Conversation.Channel.API)
                .first()
            )
            if conversation is None:
                raise Http404
            if conversation.status == Conversation.Status.CLOSED:
                ended = _("这段对话已经结束，请不带对话编号重新发送，开始新的对话")
                body = {"detail": in_both_languages(ended)}
                return Response(body, status=status.HTTP_409_CONFLICT)
        try:
            exchange = services.converse(
                conversation,
                data["text"],
                user=user,
                session_key=None,
                channel=Conversation.Channel.API,
                language=data.get("language") or "zh-hans",
                after=data.get("after"),
            )
        except services.AssistantError as error:
            return Response(
                {"detail": in_both_languages(error.message)}, status=status.HTTP_400_BAD_REQUEST
            )
        inbound, outbound = exchange.inbound, exchange.outbound
        return Response(
            MessageOut(
                {
                    "conversation": inbound.conversation.public_id,
                    "message": (outbound or inbound).pk,
                    # Empty while an agent holds the conversation: the agent answers.
                    "reply": outbound.text if outbound else "",
                    "intent": inbound.intent,
                    "confidence": inbound.confidence,
                    "action": outbound.action if outbound else "",
                    "entities": inbound.entities,
                    "quick_replies": outbound.quick_replies if outbound else [],
                    "ticket": (exchange.reply.ticket_number if exchange.reply else "") or None,
                }
            ).data
        )
