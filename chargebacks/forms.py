from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from chargebacks.models import Case
from chargebacks.reasons import choices as reason_choices
from core.identifiers import MERCHANT_ID_RE
from core.validators import BUSINESS_DATE
from merchants.models import Merchant


class EvidenceForm(forms.Form):
    file = forms.FileField(label=_("材料文件（JPG、PNG、WebP 或 PDF，最大 5 MB）"))
    note = forms.CharField(label=_("说明"), max_length=200, required=False)


class ReportFraudForm(forms.Form):
    merchant: forms.ModelChoiceField = forms.ModelChoiceField(
        label=_("商户"), queryset=Merchant.objects.none()
    )
    rrn = forms.RegexField(
        label=_("交易参考号（小票上的 12 位数字，可不填）"),
        regex=r"^\d{12}$",
        required=False,
        error_messages={"invalid": _("参考号应为 12 位数字")},
    )
    description = forms.CharField(
        label=_("发生了什么"), widget=forms.Textarea(attrs={"rows": 4}), max_length=2000
    )

    def __init__(self, *args: Any, merchants: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["merchant"].queryset = merchants  # type: ignore[attr-defined]


class OpenCaseForm(forms.Form):
    kind = forms.ChoiceField(label=_("类型"), choices=Case.Kind.choices)
    merchant_id = forms.RegexField(
        label=_("商户编号"),
        regex=MERCHANT_ID_RE,
        error_messages={"invalid": _("商户编号应为 15 位数字")},
    )
    rrn = forms.RegexField(
        label=_("交易参考号"),
        regex=r"^\d{12}$",
        required=False,
        error_messages={"invalid": _("参考号应为 12 位数字")},
    )
    reason_code = forms.ChoiceField(label=_("原因"), choices=reason_choices, required=False)
    deadline = forms.DateField(
        label=_("商户回复期限"),
        required=False,
        validators=BUSINESS_DATE,
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    description = forms.CharField(
        label=_("情况说明"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )


class DecideForm(forms.Form):
    status = forms.ChoiceField(
        label=_("结果"),
        choices=[
            (s.value, s.label)
            for s in (Case.Status.WON, Case.Status.LOST, Case.Status.ACCEPTED, Case.Status.CLOSED)
        ],
    )
    note = forms.CharField(
        label=_("说明"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )
