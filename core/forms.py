import datetime as dt

from django import forms
from django.core.validators import FileExtensionValidator
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.models import AuditEvent, ImportJob
from core.uploads import SPREADSHEETS, UploadError, check_upload
from core.validators import validate_business_date

MAX_IMPORT_BYTES = 50 * 1024 * 1024


class ImportForm(forms.Form):
    kind = forms.ChoiceField(label=_("导入内容"), choices=ImportJob.Kind.choices)
    file = forms.FileField(
        label=_("文件（.csv 或 .xlsx）"),
        validators=[FileExtensionValidator(["csv", "xlsx", "txt"])],
    )

    def clean_file(self):  # type: ignore[no-untyped-def]
        upload = self.cleaned_data["file"]
        if upload.size > MAX_IMPORT_BYTES:
            raise forms.ValidationError(_("文件超过 50 MB，请拆分后再导入"))
        try:
            check_upload(upload, allowed=SPREADSHEETS, max_bytes=MAX_IMPORT_BYTES)
        except UploadError as error:
            raise forms.ValidationError(error.message) from None
        return upload


class AuditFilterForm(forms.Form):
    """The audit log's filters (GET): what, who, which merchant, from and to which day."""

    action = forms.ChoiceField(
        label=_("操作"), required=False, choices=[("", _("全部")), *AuditEvent.Action.choices]
    )
    actor = forms.CharField(label=_("操作人（工号或用户名）"), required=False, max_length=64)
    merchant = forms.CharField(label=_("商户编号"), required=False, max_length=15)
    since = forms.DateField(
        label=_("起始日期"),
        required=False,
        validators=[validate_business_date],
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    until = forms.DateField(
        label=_("截止日期"),
        required=False,
        validators=[validate_business_date],
        widget=forms.DateInput(attrs={"type": "date"}),
    )

    def filter(self, events: QuerySet[AuditEvent]) -> QuerySet[AuditEvent]:
        if not self.is_valid():
            return events
        data = self.cleaned_data
        if data["action"]:
            events = events.filter(action=data["action"])
        if data["actor"]:
            who = data["actor"].strip()
            events = events.filter(Q(actor__agent_no__iexact=who) | Q(actor__username__iexact=who))
        if data["merchant"]:
            events = events.filter(merchant_ref=data["merchant"].strip())
        zone = timezone.get_current_timezone()
        if data["since"]:
            start = dt.datetime.combine(data["since"], dt.time.min, tzinfo=zone)
            events = events.filter(at__gte=start)
        if data["until"]:
            end = dt.datetime.combine(
                data["until"] + dt.timedelta(days=1), dt.time.min, tzinfo=zone
            )
            events = events.filter(at__lt=end)
        return events
