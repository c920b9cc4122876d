"""Fixtures of the assistant's Django tests: one intent model per test session, a small
knowledge base, and a helper that chats as a given user."""

from __future__ import annotations

import pytest

from assistant.nlu import Model, build_model, set_model


@pytest.fixture(scope="session")
def nlu_model() -> Model:
    """Built once from train.jsonl (a couple of seconds) and shared by every test."""
    model = build_model()
    set_model(model)
    return model


@pytest.fixture(autouse=True)
def _use_session_model(nlu_model, settings):
    set_model(nlu_model)
    # Tests pass fixed times; a fixed staffed window keeps "now staffed?" independent of the
    # desk's calendar and of the day the suite runs.
    settings.ASSISTANT_STAFFED_HOURS = "08:00-20:00"
    yield


@pytest.fixture
def articles(db):
    from assistant.models import Article

    return [
        Article.objects.create(
            slug="settlement-cycles",
            title_zh="到账时间规则",
            title_en="When the money arrives",
            body_zh="T+1：下一个工作日到账，周末和法定节假日顺延。D+1：下一个自然日到账。",
            body_en="T+1: the next working day; weekends and holidays push it back. "
            "D+1: the next calendar day.",
            intents=["settlement_rules", "funds_not_arrived"],
        ),
        Article.objects.create(
            slug="void-refund",
            title_zh="撤销与退货",
            title_en="Void and refund",
            body_zh="当天的交易用“消费撤销”，隔天用“退货”，需要主管密码和原交易凭证号。",
            body_en="Same day: void. Later: refund. Both need the supervisor password and the "
            "original voucher number.",
            intents=["refund_void"],
        ),
        Article.objects.create(
            slug="draft",
            title_zh="草稿",
            title_en="Draft",
            body_zh="未发布",
            body_en="Unpublished",
            intents=["fee_rate"],
            is_published=False,
        ),
    ]


class Chat:
    """A conversation driven through the service layer, as the portal and the API do."""

    def __init__(self, user, channel="portal", session_key="test-session", language="zh-hans"):
        from assistant import services

        self.services = services
        self.user = user
        self.conversation = services.start_conversation(
            user=user, session_key=session_key, channel=channel, language=language
        )
        self.replies = []

    def say(self, text, now=None):
        exchange = self.services.post_message(self.conversation, text, user=self.user, now=now)
        self.conversation.refresh_from_db()
        self.replies.append(exchange.reply)
        return exchange.reply


@pytest.fixture
def chat():
    def start(user, **kwargs):
        return Chat(user, **kwargs)

    return start


@pytest.fixture
def anonymous():
    from django.contrib.auth.models import AnonymousUser

    return AnonymousUser()
