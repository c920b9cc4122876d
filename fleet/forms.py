"""The agent's remote-action form on the terminal page."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from fleet.models import RemoteAction


class RemoteActionForm(forms.Form):
    kind = forms.ChoiceField(label=_("操作"), choices=RemoteAction.Kind.choices)
    ticket = forms.CharField(label=_("工单号"), max_length=16, required=False)
    version = forms.CharField(label=_("版本号"), max_length=32, required=False)
