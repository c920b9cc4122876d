import datetime as dt

import pytest
from django.urls import reverse

from directory.models import Hotline, RegisteredNumber

pytestmark = pytest.mark.django_db


def test_five_official_numbers_are_seeded_and_public(client):
    numbers = set(Hotline.objects.public().values_list("number", flat=True))
    assert {"95516", "95588", "95533", "95534", "95016"} <= numbers
    html = client.get(reverse("hotlines")).content.decode()
    for number in ("95516", "95588", "95533", "95534", "95016"):
        assert number in html
    assert "不要" in html  # the never-share guidance


def test_registered_numbers_match_any_written_form():
    assert RegisteredNumber.objects.matching("021-6089 2222").exists()
    assert RegisteredNumber.objects.matching("+86 21 60892222").exists()
    assert not RegisteredNumber.objects.matching("13800138000").exists()


def test_service_windows_say_what_is_served_when():
    hotline = Hotline.objects.get(number="95534")
    sunday_night = dt.datetime(2026, 11, 22, 23, 0, tzinfo=dt.timezone(dt.timedelta(hours=8)))
    assert hotline.is_staffed_at(sunday_night)
    bands = {w.days: w.serves for w in hotline.windows.all()}
    assert "装机" in bands["weekdays"]
