from __future__ import annotations

import datetime as dt
import re
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.money import parse_yuan
from core.validators import BUSINESS_DATE
from payments.querysets import TransactionQuerySet


class TransactionLookupForm(forms.Form):
    """The look-ups merchants and agents run: RRN, trace number + date, amount + time window,
    card last four, today's records. Empty form = the last days' records."""

    merchant_id = forms.CharField(label=_("商户编号"), required=False, max_length=15)
    terminal_id = forms.CharField(label=_("终端号"), required=False, max_length=8)
    rrn = forms.CharField(label=_("参考号"), required=False, max_length=12)
    stan = forms.CharField(label=_("凭证号"), required=False, max_length=6)
    date = forms.DateField(
        label=_("交易日期"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        validators=BUSINESS_DATE,
    )
    amount = forms.CharField(label=_("金额（元）"), required=False, max_length=16)
    time_from = forms.DateTimeField(
        label=_("起始时间"),
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
        validators=BUSINESS_DATE,
    )
    time_to = forms.DateTimeField(
        label=_("截止时间"),
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
        validators=BUSINESS_DATE,
    )
    last4 = forms.CharField(label=_("卡号后四位"), required=False, max_length=4)
    today = forms.BooleanField(label=_("只看今天"), required=False)

    DEFAULT_DAYS = 30

    def clean_amount(self) -> int | None:
        try:
            return parse_yuan(self.cleaned_data["amount"])
        except ValueError:
            raise forms.ValidationError(_("金额应为数字，如 88.00")) from None

    def clean_last4(self) -> str:
        value = self.cleaned_data["last4"].strip()
        if value and not re.fullmatch(r"\d{4}", value):
            raise forms.ValidationError(_("请输入卡号最后 4 位数字"))
        return value

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("stan") and not data.get("date") and not data.get("today"):
            self.add_error("date", _("按凭证号查询时请同时选择交易日期"))
        return data

    def apply(self, queryset: TransactionQuerySet) -> TransactionQuerySet:
        data = self.cleaned_data
        if data.get("merchant_id"):
            queryset = queryset.filter(merchant__merchant_id=data["merchant_id"].strip())
        if data.get("terminal_id"):
            queryset = queryset.filter(terminal__terminal_id=data["terminal_id"].strip().upper())
        if data.get("rrn"):
            return queryset.by_rrn(data["rrn"])
        if data.get("stan"):
            day = timezone.localdate() if data.get("today") else data["date"]
            return queryset.by_stan(data["stan"], day)
        narrowed = False
        if data.get("today"):
            queryset = queryset.today()
            narrowed = True
        elif data.get("date"):
            queryset = queryset.on_date(data["date"])
            narrowed = True
        if data.get("time_from") or data.get("time_to"):
            start = data.get("time_from") or (data["time_to"] - dt.timedelta(days=1))
            end = data.get("time_to") or (start + dt.timedelta(days=1))
            queryset = queryset.in_window(start, end)
            narrowed = True
        if not narrowed:
            queryset = queryset.in_window(
                timezone.now() - dt.timedelta(days=self.DEFAULT_DAYS),
                timezone.now() + dt.timedelta(days=1),
            )
        if data.get("amount") is not None:
            queryset = queryset.filter(amount=data["amount"])
        if data.get("last4"):
            queryset = queryset.by_card_last4(data["last4"])
        return queryset


class FundsInvestigationForm(forms.Form):
    merchant_id = forms.CharField(label=_("商户编号"), max_length=15)
    date = forms.DateField(
        label=_("交易日期"),
        widget=forms.DateInput(attrs={"type": "date"}),
        validators=BUSINESS_DATE,
    )
