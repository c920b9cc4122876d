"""Answers from the knowledge base end with the article's help-centre page, which the chat
shows as a link named after the article."""

from __future__ import annotations

import pytest
from django.template import Context, Template

pytestmark = pytest.mark.django_db


def test_answers_link_to_the_help_centre_article(chat, alice, articles):
    reply = chat(alice).say("怎么撤销一笔交易")
    assert reply.intent == "refund_void" and "/help/void-refund/" in reply.text
    html = Template("{% load helpcentre %}{{ text|help_links }}").render(
        Context({"text": reply.text})
    )
    assert '<a href="/help/void-refund/">📖 撤销与退货</a>' in html
    assert "<script>" not in Template("{% load helpcentre %}{{ t|help_links }}").render(
        Context({"t": "<script>/help/void-refund/"})
    )
