"""One page size for every list, page and API (`settings.PAGE_SIZE`), and one way to cut a
list into the page the request asks for (`?page=N`; out-of-range numbers give the last page)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.paginator import Page, Paginator
from django.http import HttpRequest


def page_of(request: HttpRequest, items: Any) -> Page:
    """The page of `items` named by the request's `page` parameter."""
    return Paginator(items, settings.PAGE_SIZE).get_page(request.GET.get("page"))
