from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from assistant.intents import INTENT_LABELS
from assistant.models import Article
from assistant.services import MAX_MESSAGE_LENGTH


class MessageForm(forms.Form):
    text = forms.CharField(
        label=_("您的问题"),
        max_length=MAX_MESSAGE_LENGTH,
        widget=forms.TextInput(attrs={"autocomplete": "off", "autofocus": True}),
    )
    # The last message the page showed: the same text sent twice after it is sent once.
    after = forms.IntegerField(
        required=False, min_value=0, max_value=2**63 - 1, widget=forms.HiddenInput
    )


class AgentReplyForm(forms.Form):
    text = forms.CharField(
        label=_("回复商户"),
        max_length=MAX_MESSAGE_LENGTH,
        widget=forms.Textarea(attrs={"rows": 2, "autocomplete": "off"}),
    )


class ArticleForm(forms.ModelForm):
    intents = forms.MultipleChoiceField(
        label=_("关联意图"),
        choices=list(INTENT_LABELS.items()),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = Article
        fields = [
            "slug",
            "section",
            "position",
            "title_zh",
            "title_en",
            "summary_zh",
            "summary_en",
            "body_zh",
            "body_en",
            "intents",
            "is_published",
        ]
        widgets = {
            "body_zh": forms.Textarea(attrs={"rows": 8}),
            "body_en": forms.Textarea(attrs={"rows": 8}),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Left out of a post, the help-centre placement keeps its default (or current) value.
        self.fields["section"].required = False
        self.fields["position"].required = False
        if self.instance.pk:
            self.initial["intents"] = list(self.instance.intents or [])
