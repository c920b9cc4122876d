"""What the help centre keeps: the training quiz attempts of signed-in users (the articles
themselves are the assistant's `Article` rows, loaded from `helpcentre/data/articles/`)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from core.scoping import ScopedQuerySet


class QuizAttemptQuerySet(ScopedQuerySet["QuizAttempt"]):
    # A user sees their own attempts; the merchant's other members (the owner checking their
    # cashiers' training) see the attempts made for that merchant; staff see all.
    owner_path = "user"
    merchant_path = "merchant"


class QuizAttempt(models.Model):
    """One handed-in quiz, scored on the server."""

    article = models.ForeignKey(
        "assistant.Article",
        verbose_name=_("培训课"),
        on_delete=models.CASCADE,
        related_name="quiz_attempts",
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("用户"),
        on_delete=models.CASCADE,
        related_name="quiz_attempts",
    )
    merchant = models.ForeignKey(
        "merchants.Merchant",
        verbose_name=_("商户"),
        on_delete=models.CASCADE,
        related_name="quiz_attempts",
        null=True,
        blank=True,
    )
    # The form's one-time key: handing in the same form twice records one attempt.
    attempt_key = models.CharField(_("提交编号"), max_length=40)
    answers = models.JSONField(_("所选答案"), default=list)
    score = models.PositiveSmallIntegerField(_("答对题数"))
    total = models.PositiveSmallIntegerField(_("题数"))
    created_at = models.DateTimeField(_("提交时间"), auto_now_add=True)

    objects = QuizAttemptQuerySet.as_manager()

    class Meta:
        verbose_name = _("测验记录")
        verbose_name_plural = pgettext_lazy("plural", "测验记录")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["user", "attempt_key"], name="quiz_attempt_once")
        ]

    def __str__(self) -> str:
        return f"{self.article.slug} {self.score}/{self.total}"

    @property
    def passed(self) -> bool:
        return self.score == self.total
