"""The agent's remote-action form on the terminal page; the supervisor's campaign form."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from fleet.models import RemoteAction, UpdateCampaign
from terminals.models import TerminalModel


class RemoteActionForm(forms.Form):
    kind = forms.ChoiceField(label=_("操作"), choices=RemoteAction.Kind.choices)
    ticket = forms.CharField(label=_("工单号"), max_length=16, required=False)
    version = forms.CharField(label=_("版本号"), max_length=32, required=False)


class CampaignForm(forms.Form):
    """A supervisor's new update campaign."""

    name = forms.CharField(label=_("名称"), max_length=80)
    target = forms.ChoiceField(label=_("升级对象"), choices=UpdateCampaign.Target.choices)
    version = forms.CharField(label=_("目标版本"), max_length=32)
    model = forms.ModelChoiceField(
        label=_("型号"),
        queryset=TerminalModel.objects.order_by("manufacturer", "name"),
        required=False,
        empty_label=_("所有型号"),
    )
