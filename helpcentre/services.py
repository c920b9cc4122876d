"""The help centre's writes and look-ups: loading the article files, search, quiz scoring,
and an agent sending an article to a merchant from a ticket."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.db import IntegrityError, transaction
from django.utils.translation import gettext_lazy

from accounts.models import User
from accounts.permissions import check_staff
from assistant.models import Article
from core.errors import BilingualError
from core.language import current_language
from core.types import Viewer
from helpcentre import content, search
from helpcentre.models import QuizAttempt

if TYPE_CHECKING:
    from desk.models import Ticket


class QuizError(BilingualError):
    """A quiz handed in incomplete or with answers that are not among the choices."""


def sync_articles() -> int:
    """Create or update the help centre's articles from the data files; returns how many.
    Idempotent. Whether an article is published stays as the operator left it."""
    articles = content.read_articles()
    with transaction.atomic():
        for data in articles:
            Article.objects.update_or_create(slug=data["slug"], defaults=data)
    return len(articles)


def published(user: Viewer | None) -> Any:
    return Article.objects.visible_to(user).filter(is_published=True)


def find(user: Viewer | None, query: str) -> list[Article]:
    """Published articles matching the query, best first, in the reader's language."""
    language = current_language()
    rows = {article.slug: article for article in published(user)}
    documents = [
        search.Document(a.slug, a.title(language), a.summary(language), a.body(language))
        for a in rows.values()
    ]
    keys = search.rank(documents, query)
    if not keys and language == "en":  # an English reader may type Chinese, and vice versa
        documents = [
            search.Document(a.slug, a.title_zh, a.summary_zh, a.body_zh) for a in rows.values()
        ]
        keys = search.rank(documents, query)
    return [rows[key] for key in keys]


@dataclass(frozen=True)
class Marked:
    """One question after hand-in: what was chosen, whether it was right, and why."""

    number: int
    question: str
    choices: list[str]
    chosen: int
    answer: int
    explanation: str

    @property
    def correct(self) -> bool:
        return self.chosen == self.answer

    @property
    def chosen_text(self) -> str:
        return self.choices[self.chosen] if 0 <= self.chosen < len(self.choices) else ""

    @property
    def answer_text(self) -> str:
        return self.choices[self.answer]


def read_answers(article: Article, data: Any) -> list[int]:
    """The chosen choice of each question from the posted form (`q1`, `q2`, …)."""
    chosen = []
    for number, question in enumerate(article.quiz, start=1):
        raw = str(data.get(f"q{number}", "")).strip()
        if not raw.isdigit() or int(raw) >= len(question["choices_zh"]):
            raise QuizError(gettext_lazy("请回答全部题目后再提交"))
        chosen.append(int(raw))
    return chosen


def mark(article: Article, chosen: list[int]) -> list[Marked]:
    en = current_language() == "en"
    return [
        Marked(
            number=number,
            question=question["question_en" if en else "question_zh"],
            choices=list(question["choices_en" if en else "choices_zh"]),
            chosen=pick,
            answer=int(question["answer"]),
            explanation=question.get("explain_en" if en else "explain_zh", ""),
        )
        for number, (question, pick) in enumerate(zip(article.quiz, chosen, strict=True), 1)
    ]


def hand_in(article: Article, data: Any, *, user: Viewer | None) -> list[Marked]:
    """Score a quiz on the server. A signed-in merchant user's attempt is recorded once per
    form (the form's `attempt` key), with their merchant, so the owner sees the training."""
    if not article.quiz:
        raise QuizError(gettext_lazy("这篇文章没有测验"))
    marked = mark(article, read_answers(article, data))
    key = str(data.get("attempt", "")).strip()[:40]
    if isinstance(user, User) and user.is_authenticated and key:
        merchant = user.merchants.order_by("merchant_id").first() if user.is_merchant_user else None
        try:
            with transaction.atomic():
                QuizAttempt.objects.get_or_create(
                    user=user,
                    attempt_key=key,
                    defaults={
                        "article": article,
                        "merchant": merchant,
                        "answers": [m.chosen for m in marked],
                        "score": sum(m.correct for m in marked),
                        "total": len(marked),
                    },
                )
        except IntegrityError:  # the same form handed in twice at the same moment
            pass
    return marked


def send_article(ticket: Ticket, article: Article, *, by: User, base_url: str = "") -> Any:
    """An agent sends a help-centre article to the merchant: a public message on the ticket
    holding the article's link, which the ticket pages show as the article's title in the
    reader's language (`help_links`), so the record itself is the same in both languages."""
    from desk import services as desk_services

    actor = check_staff(by)
    if not article.is_published:
        raise desk_services.DeskError(gettext_lazy("只能发送已发布的文章"))
    body = f"{base_url}{article.get_absolute_url()}"
    return desk_services.add_interaction(ticket, by=actor, body=body, is_public=True)
