"""Issue 15's rough edges that had no test of their own: every action on the agent's ticket
page is confirmed, in a banner (not a list item); the queue has a subject column; 清算日 reads
"Settlement days" in English.
(The others: see the README's "Rough edges mended" list and the tests it names.)"""

from __future__ import annotations

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_an_action_is_confirmed_in_a_banner_not_a_list_item(client, ticket_a, agent):
    client.force_login(agent)
    url = reverse("desk_ticket_action", args=[ticket_a.number, "interaction"])
    data = {"i-kind": "note", "i-direction": "outbound", "i-body": "已联系商户"}
    page = client.post(url, data, follow=True).content.decode()
    banner = page.split('<div class="messages" role="status">', 1)[1].split("</div>", 1)[0]
    assert '<p class="message message-success">已记入处理记录</p>' in banner
    assert "<li" not in banner and '<ul class="messages' not in page
    client.cookies["django_language"] = "en"
    url = reverse("desk_ticket_action", args=[ticket_a.number, "escalate"])
    page = client.post(url, {"e-tier": "l2", "e-reason": "needs a visit"}, follow=True)
    assert '<p class="message message-success">Escalated</p>' in page.content.decode()


def test_every_action_that_succeeds_says_so():
    from desk.actions import ACTIONS

    silent = [name for name, action in ACTIONS.items() if not action.done]
    assert silent == ["replace"]  # it says whether the warranty pays (messages.info)


@pytest.mark.parametrize(("language", "heading"), [("zh-hans", "主题"), ("en", "Subject")])
def test_the_queue_lists_tickets_by_subject(client, ticket_a, agent, language, heading):
    client.force_login(agent)
    client.cookies["django_language"] = language
    page = client.get(reverse("desk_queue") + "?view=all").content.decode()
    assert f"<th>{heading}</th>" in page
    assert '<td class="subject">不出小票</td>' in page


def test_settlement_days_in_english(client, alice, merchant_a):
    from payments.tests.factories import PayoutFactory

    PayoutFactory(merchant=merchant_a)
    client.force_login(alice)
    client.cookies["django_language"] = "en"
    page = client.get(reverse("payouts")).content.decode()
    assert "Settlement days" in page and "Business days" not in page
