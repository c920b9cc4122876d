from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from outreach.models import (
    Campaign,
    Channel,
    ContactAttempt,
    ContactPreference,
    Purpose,
    ScamReport,
    Urgency,
)

if TYPE_CHECKING:
    from accounts.models import User

OPTIONAL_CHANNELS = [(c.value, c.label) for c in Channel if c != Channel.INBOX]
LOCAL_DATETIME = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


class ContactRequestForm(forms.Form):
    merchant_id = forms.CharField(label=_("商户编号"), max_length=15)
    purpose = forms.ChoiceField(label=_("事由"), choices=Purpose.choices)
    urgency = forms.ChoiceField(label=_("紧急程度"), choices=Urgency.choices, initial="normal")
    channels = forms.MultipleChoiceField(
        label=_("允许的渠道"),
        choices=Channel.choices,
        widget=forms.CheckboxSelectMultiple,
        initial=["inbox", "sms"],
    )
    subject = forms.CharField(label=pgettext_lazy("message", "标题"), max_length=120)
    content = forms.CharField(label=_("内容"), widget=forms.Textarea(attrs={"rows": 3}))
    dedupe_key = forms.CharField(
        label=_("去重键"), max_length=120, required=False, help_text=_("例如事件编号")
    )
    expires_at = forms.DateTimeField(label=_("有效期至"), required=False, widget=LOCAL_DATETIME)
    justification = forms.CharField(
        label=_("紧急理由"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("紧急安全验证或风险提示必填，会被审计。"),
    )

    def __init__(self, *args: Any, user: User | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_merchant_id(self) -> Any:
        from merchants.models import Merchant

        value = self.cleaned_data["merchant_id"].strip()
        merchant = Merchant.objects.visible_to(self.user).by_merchant_id(value)
        if merchant is None:
            raise forms.ValidationError(_("找不到商户“%(value)s”"), params={"value": value})
        return merchant


class PreferenceForm(forms.ModelForm):
    channels = forms.MultipleChoiceField(
        label=_("除站内消息外，还可以通过"),
        choices=OPTIONAL_CHANNELS,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    call_cap_per_week = forms.IntegerField(
        label=_("每周非紧急电话最多"),
        min_value=0,
        max_value=14,
        required=False,
        help_text=_("留空按机构统一上限（每周 2 次）；0 表示不接受非紧急电话。"),
    )

    class Meta:
        model = ContactPreference
        fields = [
            "channels",
            "quiet_start",
            "quiet_end",
            "marketing_opt_in",
            "survey_opt_in",
            "call_cap_per_week",
            "fewer_contacts",
        ]
        widgets = {
            "quiet_start": forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
            "quiet_end": forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance and self.instance.channels:
            self.initial["channels"] = [c for c in self.instance.channels if c != "inbox"]

    def clean_channels(self) -> list[str]:
        return ["inbox", *self.cleaned_data["channels"]]


class FewerContactsForm(forms.Form):
    purpose = forms.ChoiceField(
        label=_("主要是哪类联系"),
        choices=[("", _("不限"))] + list(Purpose.choices),
        required=False,
    )
    note = forms.CharField(
        label=_("想对我们说的话（可选）"),
        max_length=500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class VerifyForm(forms.Form):
    number = forms.CharField(
        label=_("来电或短信号码"),
        max_length=30,
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "off"}),
    )
    code = forms.CharField(
        label=_("核验码（对方告知或短信中的 6 位码，可选）"),
        max_length=12,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    time = forms.DateTimeField(label=_("大约时间（可选）"), required=False, widget=LOCAL_DATETIME)


class ScamReportForm(forms.Form):
    number = forms.CharField(label=_("可疑号码"), max_length=30)
    kind = forms.ChoiceField(label=_("类型"), choices=ScamReport.Kind.choices)
    claimed_to_be = forms.CharField(
        label=_("对方自称"), max_length=100, required=False, help_text=_("例如“银联客服”")
    )
    message = forms.CharField(
        label=_("经过（不要填写卡号或密码）"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    occurred_at = forms.DateTimeField(label=_("发生时间"), required=False, widget=LOCAL_DATETIME)


class AnonymousScamReportForm(forms.Form):
    """The verify page's report form for visitors who are not signed in: the number comes
    from the signed report pass, not from a field; `website` is a trap for form-filling bots
    (hidden from people by CSS and from screen readers by aria-hidden)."""

    report_pass = forms.CharField(widget=forms.HiddenInput, max_length=200)
    kind = forms.ChoiceField(label=_("类型"), choices=ScamReport.Kind.choices)
    claimed_to_be = forms.CharField(
        label=_("对方自称"), max_length=100, required=False, help_text=_("例如“银联客服”")
    )
    message = forms.CharField(
        label=_("经过（不要填写卡号或密码）"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    occurred_at = forms.DateTimeField(label=_("发生时间"), required=False, widget=LOCAL_DATETIME)
    website = forms.CharField(
        label=_("网址（请留空）"),
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
    )


class LogCallForm(forms.Form):
    outcome = forms.ChoiceField(
        label=_("通话结果"),
        choices=[(o.value, o.label) for o in ContactAttempt.CALL_OUTCOMES],
    )
    registered_number: forms.ModelChoiceField = forms.ModelChoiceField(
        label=_("使用的外呼号码"), queryset=None
    )
    summary = forms.CharField(
        label=_("内容摘要"),
        max_length=300,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        from directory.models import RegisteredNumber

        super().__init__(*args, **kwargs)
        field = self.fields["registered_number"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = (
            RegisteredNumber.objects.active()
            .filter(kind__in=["voice", "both"])
            .select_related("institution")
        )


class CampaignForm(forms.ModelForm):
    channels = forms.MultipleChoiceField(
        label=_("允许的渠道"),
        choices=Channel.choices,
        widget=forms.CheckboxSelectMultiple,
        initial=["inbox"],
    )
    merchant_ids = forms.CharField(
        label=_("指定商户编号"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("用逗号或换行分隔；留空表示所有符合条件的正常商户。"),
    )

    class Meta:
        model = Campaign
        fields = [
            "name",
            "purpose",
            "urgency",
            "channels",
            "subject",
            "content",
            "region_prefix",
            "mcc",
            "merchant_ids",
            "expires_at",
        ]
        widgets = {"expires_at": LOCAL_DATETIME, "content": forms.Textarea(attrs={"rows": 3})}

    def clean_merchant_ids(self) -> list[str]:
        raw = self.cleaned_data.get("merchant_ids") or ""
        ids = [part.strip() for part in raw.replace("，", ",").replace("\n", ",").split(",")]
        return [i for i in ids if i]


class ReviewForm(forms.Form):
    status = forms.ChoiceField(
        label=_("结论"),
        choices=[
            (ScamReport.Status.CONFIRMED, ScamReport.Status.CONFIRMED.label),
            (ScamReport.Status.REJECTED, ScamReport.Status.REJECTED.label),
        ],
    )
    note = forms.CharField(label=_("审核意见"), max_length=300, required=False)
