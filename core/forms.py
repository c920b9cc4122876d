from django import forms
from django.core.validators import FileExtensionValidator
from django.utils.translation import gettext_lazy as _

from core.models import ImportJob
from core.uploads import SPREADSHEETS, UploadError, check_upload

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
