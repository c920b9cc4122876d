from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from assistant.models import Article
from core.language import current_language


class ArticleChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return obj.title(current_language())


class SendArticleForm(forms.Form):
    """The ticket page's "send a help-centre article to the merchant"."""

    article = ArticleChoiceField(
        label=_("帮助中心文章"), queryset=Article.objects.none(), empty_label=None
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["article"]
        assert isinstance(field, ArticleChoiceField)
        field.queryset = Article.objects.visible_to(None).order_by("section", "position", "slug")
