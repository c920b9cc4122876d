"""Issue 15: English pages name the queues in English (the default queues' names are stored in
Chinese and translated when shown); a queue named in the admin is shown as typed."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import translation

from desk.models import Queue

pytestmark = pytest.mark.django_db


def english(client, url):
    client.cookies["django_language"] = "en"
    return client.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()


def test_queue_tabs_and_ticket_page_name_queues_in_english(client, agent, ticket_a):
    client.force_login(agent)
    tabs = english(client, reverse("desk_queue"))
    assert "Front-line support" in tabs and "一线客服" not in tabs
    assert "二线技术" not in tabs
    ticket_a.refresh_from_db()
    assert ticket_a.queue is not None
    page = english(client, reverse("desk_ticket", args=[ticket_a.number]))
    assert ticket_a.queue.name not in page


def test_queue_label_follows_the_language_and_keeps_admin_names():
    from desk.defaults import ensure_defaults

    ensure_defaults()
    queue = Queue.objects.get(code="l1")
    with translation.override("en"):
        assert queue.label == str(queue) == "Front-line support"
    with translation.override("zh-hans"):
        assert queue.label == "一线客服"
    custom = Queue.objects.create(code="vip", name="VIP 商户", tier="l1")
    with translation.override("en"):
        assert custom.label == "VIP 商户"


def test_the_reports_backlog_names_queues_in_english(client, supervisor, ticket_a):
    """The backlog table and its chart on the supervisor's reports page (they showed the
    stored Chinese name)."""
    client.force_login(supervisor)
    page = english(client, reverse("desk_reports"))
    backlog = page.split("backlog-chart")[1]
    assert "Front-line support" in backlog and "一线客服" not in page
