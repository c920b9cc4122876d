"""The public help centre: sections, search, articles, training quizzes (scored on the
server), and the service charter. Anyone may read it; signed-in users' quiz attempts are
kept for their merchant's owner."""

from __future__ import annotations

import uuid
from itertools import groupby

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_http_methods

from assistant.models import Article
from helpcentre import services
from helpcentre.charter import charter_context
from helpcentre.models import QuizAttempt

MAX_QUERY = 100


def home(request: HttpRequest) -> HttpResponse:
    query = request.GET.get("q", "").strip()[:MAX_QUERY]
    rows = services.published(request.user).order_by("section", "position", "slug")
    order = {value: index for index, value in enumerate(Article.Section.values)}
    by_section = sorted(rows, key=lambda article: (order[article.section], article.position))
    sections = [
        {"key": key, "label": Article.Section(key).label, "articles": list(group)}
        for key, group in groupby(by_section, key=lambda article: article.section)
    ]
    context = {
        "query": query,
        "results": services.find(request.user, query) if query else None,
        "sections": sections,
    }
    return render(request, "helpcentre/home.html", context)


def _attempts(request: HttpRequest, article: Article) -> list[QuizAttempt]:
    if not request.user.is_authenticated or not article.quiz:
        return []
    mine = QuizAttempt.objects.visible_to(request.user).filter(user=request.user)
    return list(mine.filter(article=article)[:5])


@require_http_methods(["GET", "POST"])
def article(request: HttpRequest, slug: str) -> HttpResponse:
    item = get_object_or_404(services.published(request.user), slug=slug)
    marked = None
    if request.method == "POST":
        try:
            marked = services.hand_in(item, request.POST, user=request.user)
        except services.QuizError as error:
            messages.error(request, str(error))
    context = {
        "article": item,
        "body": item.body_en if request.LANGUAGE_CODE == "en" else item.body_zh,
        "questions": services.mark(item, [-1] * len(item.quiz)) if item.quiz else [],
        "marked": marked,
        "score": sum(m.correct for m in marked) if marked else 0,
        "attempt": uuid.uuid4().hex,
        "attempts": _attempts(request, item),
        "section_label": Article.Section(item.section).label,
        "charter": charter_context() if item.section == Article.Section.CHARTER else None,
    }
    return render(
        request,
        "helpcentre/article.html",
        context,
        status=400 if (request.method == "POST" and marked is None) else 200,
    )
