from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from django import forms
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from core.language import current_language
from desk import facts as fact_registry
from desk.models import CannedResponse, FieldVisit, Interaction, Outage, Ticket, Tier
from merchants.models import MerchantQuerySet
from terminals.models import TerminalQuerySet

if TYPE_CHECKING:
    from django.db.models import QuerySet


DATETIME_WIDGET = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


def _staff() -> QuerySet[User]:
    return User.objects.filter(role__in=User.STAFF_ROLES, is_active=True).order_by("agent_no")


def model_choices(form: forms.BaseForm, name: str) -> forms.ModelChoiceField:
    """A form's model choice field, to set its queryset for this user."""
    field = form.fields[name]
    assert isinstance(field, forms.ModelChoiceField)
    return field


class StaffChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return obj.signature


class TerminalChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.terminal_id} · {obj.model} · SN {obj.serial_number}"


class FactFieldsMixin:
    """Adds one optional text field per missing fact, labelled in the page's language."""

    fields: dict[str, forms.Field]

    def add_fact_fields(self, keys: list[str]) -> None:
        language = current_language()
        for key in keys:
            fact = fact_registry.FACTS[key]
            self.fields[f"fact_{key}"] = forms.CharField(
                label=fact.label(language),
                help_text=fact.hint(language),
                required=False,
                max_length=500,
            )

    def fact_values(self, cleaned: dict[str, Any]) -> dict[str, str]:
        return {
            name.removeprefix("fact_"): value
            for name, value in cleaned.items()
            if name.startswith("fact_") and value
        }


class PortalTicketForm(FactFieldsMixin, forms.Form):
    """The merchant's problem report: the facts fields are only the ones still missing."""

    merchant: forms.ModelChoiceField = forms.ModelChoiceField(
        label=_("商户"),
        queryset=None,  # type: ignore[arg-type]
    )
    terminal: forms.ModelChoiceField = TerminalChoiceField(
        label=_("终端"),
        queryset=None,  # type: ignore[arg-type]
        required=False,
        empty_label=_("（与终端无关）"),
    )
    # No default: a merchant who skips it should be asked, not filed under 交易失败.
    category = forms.ChoiceField(
        label=_("问题类型"), choices=[("", _("请选择问题类型")), *Ticket.Category.choices]
    )
    description = forms.CharField(label=_("问题描述"), widget=forms.Textarea(attrs={"rows": 3}))
    photo = forms.FileField(
        label=_("小票或屏幕照片（可选）"),
        required=False,
        help_text=_("JPEG、PNG、WebP 或 PDF，不超过 5 MB"),
    )

    def __init__(
        self,
        *args: Any,
        merchants: MerchantQuerySet,
        terminals: TerminalQuerySet,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.merchants, self.terminals = merchants, terminals
        model_choices(self, "merchant").queryset = merchants
        model_choices(self, "terminal").queryset = terminals
        if merchants.count() == 1:
            self.fields["merchant"].initial = merchants.first()
        # Changing one of these re-draws the terminal list and the missing facts (htmx). The
        # attributes sit on the selects themselves: a trigger filter on a wrapper
        # (`change[target.id=='…']`) needs eval, which the Content-Security-Policy forbids.
        redraw = {
            "hx-get": reverse("portal_new_ticket"),
            "hx-trigger": "change",
            "hx-target": "#ticket-fields",
            "hx-include": "#id_category, #id_terminal, #id_merchant",
            "hx-sync": "#report-form:replace",
        }
        for name in ("merchant", "terminal", "category"):
            self.fields[name].widget.attrs.update(redraw)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        merchant, terminal = cleaned.get("merchant"), cleaned.get("terminal")
        if merchant and terminal and terminal.merchant_id != merchant.pk:
            self.add_error("terminal", _("该终端不属于所选商户"))
        return cleaned


class AgentTicketForm(FactFieldsMixin, forms.Form):
    """An agent logs a call: merchant ID, optional terminal ID, and all the facts."""

    merchant_id = forms.CharField(label=_("商户编号"), max_length=15)
    terminal_id = forms.CharField(label=_("终端号"), max_length=8, required=False)
    category = forms.ChoiceField(label=_("类别"), choices=Ticket.Category.choices)
    subcategory = forms.CharField(label=_("子类别"), max_length=60, required=False)
    priority = forms.ChoiceField(
        label=_("优先级"), choices=[("", _("按类别默认")), *Ticket.Priority.choices], required=False
    )
    channel = forms.ChoiceField(
        label=_("渠道"), choices=Ticket.Channel.choices, initial=Ticket.Channel.PHONE
    )
    description = forms.CharField(label=_("问题描述"), widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.add_fact_fields([k for k in fact_registry.FACTS if k != "merchant_id"])


class InteractionForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("类型"),
        choices=[(k, v) for k, v in Interaction.Kind.choices if k not in ("system", "visit")],
        initial=Interaction.Kind.CALL,
    )
    direction = forms.ChoiceField(
        label=_("方向"),
        choices=[(k, v) for k, v in Interaction.Direction.choices if k != "internal"],
        initial=Interaction.Direction.OUTBOUND,
    )
    canned = forms.ModelChoiceField(
        label=_("常用回复"),
        queryset=CannedResponse.objects.all(),
        required=False,
        empty_label=_("（不使用）"),
    )
    body = forms.CharField(
        label=_("内容"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    outcome = forms.CharField(label=_("结果"), max_length=200, required=False)
    # Not ticked by default: what the merchant reads is a choice, never an accident.
    is_public = forms.BooleanField(label=_("商户可见"), required=False, initial=False)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if not cleaned.get("body") and cleaned.get("canned"):
            cleaned["body"] = cleaned["canned"].body
        if not cleaned.get("body"):
            self.add_error("body", _("请填写内容或选择常用回复"))
        return cleaned


class StatusForm(forms.Form):
    status = forms.ChoiceField(label=_("新状态"), choices=Ticket.Status.choices)
    resolution_code = forms.ChoiceField(
        label=_("解决方式"),
        choices=[("", "—"), *Ticket.Resolution.choices],
        required=False,
    )
    reason = forms.CharField(label=_("原因"), max_length=500)

    def __init__(self, *args: Any, allowed: Iterable[str] | None = None, **kwargs: Any) -> None:
        """`allowed` limits the offered states to the moves the ticket can make from where it is."""
        super().__init__(*args, **kwargs)
        if allowed is not None:
            wanted = set(allowed)
            field = self.fields["status"]
            field.choices = [(v, label) for v, label in Ticket.Status.choices if v in wanted]  # type: ignore[attr-defined]


class EscalateForm(forms.Form):
    tier = forms.ChoiceField(label=_("升级到"), choices=Tier.choices[1:])
    reason = forms.CharField(label=_("升级原因"), max_length=500)


class AssignForm(forms.Form):
    assignee = StaffChoiceField(label=_("处理人"), queryset=_staff(), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        model_choices(self, "assignee").queryset = _staff()


class PriorityForm(forms.Form):
    priority = forms.ChoiceField(label=_("优先级"), choices=Ticket.Priority.choices)
    reason = forms.CharField(label=_("原因"), max_length=200, required=False)


class VisitForm(forms.Form):
    technician = StaffChoiceField(label=_("技术员"), queryset=_staff())
    window_start = forms.DateTimeField(label=_("预约开始"), widget=DATETIME_WIDGET)
    window_end = forms.DateTimeField(label=_("预约结束"), widget=DATETIME_WIDGET)
    address = forms.CharField(label=_("地址"), max_length=200, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Field visits are made by technicians (L2), not by supervisors or administrators.
        model_choices(self, "technician").queryset = _staff().filter(role=User.Role.L2)


class VisitOutcomeForm(forms.Form):
    visit = forms.IntegerField(widget=forms.HiddenInput)
    status = forms.ChoiceField(
        label=_("结果"),
        choices=[
            (FieldVisit.Status.COMPLETED, FieldVisit.Status.COMPLETED.label),
            (FieldVisit.Status.FAILED, FieldVisit.Status.FAILED.label),
            (FieldVisit.Status.CANCELLED, FieldVisit.Status.CANCELLED.label),
        ],
    )
    outcome = forms.CharField(label=_("上门结果"), widget=forms.Textarea(attrs={"rows": 2}))

    @classmethod
    def for_visit(cls, visit: FieldVisit) -> VisitOutcomeForm:
        """An empty form for one scheduled visit, with ids that stay unique on the page."""
        return cls(initial={"visit": visit.pk}, auto_id=f"id_visit{visit.pk}_%s")


class ReplacementForm(forms.Form):
    new_serial = forms.CharField(label=_("新设备序列号"), max_length=32)
    reason = forms.CharField(label=_("原因"), max_length=200)


class CommitmentForm(forms.Form):
    promise = forms.CharField(label=_("承诺内容"), max_length=200)
    due_at = forms.DateTimeField(label=_("承诺时间"), widget=DATETIME_WIDGET)
    owner = StaffChoiceField(label=_("负责人"), queryset=_staff(), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        model_choices(self, "owner").queryset = _staff()


class MergeForm(forms.Form):
    target = forms.CharField(label=_("合并到工单号"), max_length=16)
    reason = forms.CharField(label=_("原因"), max_length=200)


class KnowledgeForm(forms.Form):
    kb_url = forms.URLField(label=_("知识库文章链接"), required=False, assume_scheme="https")


class OutageLinkForm(forms.Form):
    outage = forms.ModelChoiceField(
        label=_("关联到故障"), queryset=Outage.objects.filter(status="active")
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        model_choices(self, "outage").queryset = Outage.objects.filter(status="active")


class ReplyForm(forms.Form):
    body = forms.CharField(label=_("补充说明"), widget=forms.Textarea(attrs={"rows": 3}))
    photo = forms.FileField(
        label=_("照片（可选）"), required=False, help_text=_("JPEG、PNG、WebP 或 PDF，不超过 5 MB")
    )


class RatingForm(forms.Form):
    rating = forms.TypedChoiceField(
        label=_("评分"),
        coerce=int,
        choices=[(i, "★" * i) for i in range(5, 0, -1)],
        widget=forms.RadioSelect,
    )
    comment = forms.CharField(
        label=_("评价（可选）"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class OutageForm(forms.ModelForm):
    class Meta:
        model = Outage
        fields = [
            "title",
            "title_en",
            "kind",
            "region_code",
            "public_message",
            "public_message_en",
            "expected_recovery_at",
        ]
        widgets = {
            "expected_recovery_at": DATETIME_WIDGET,
            "public_message_en": forms.Textarea(attrs={"rows": 3}),
        }
        help_texts = {
            "title_en": _("可选；英文页面和英文通知显示这段，空着则显示中文"),
        }


class OutageUpdateForm(forms.Form):
    message = forms.CharField(label=_("进展说明"), widget=forms.Textarea(attrs={"rows": 2}))
    message_en = forms.CharField(
        label=_("进展说明（英文，可选）"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    expected_recovery_at = forms.DateTimeField(
        label=_("预计恢复时间"), widget=DATETIME_WIDGET, required=False
    )
    resolve = forms.BooleanField(label=_("已恢复（解决全部关联工单）"), required=False)


class QueueFilterForm(forms.Form):
    q = forms.CharField(label=_("搜索"), required=False)
    status = forms.ChoiceField(
        label=_("状态"), choices=[("", _("全部未结")), *Ticket.Status.choices], required=False
    )
    category = forms.ChoiceField(
        label=_("类别"), choices=[("", _("全部")), *Ticket.Category.choices], required=False
    )
    priority = forms.ChoiceField(
        label=_("优先级"), choices=[("", _("全部")), *Ticket.Priority.choices], required=False
    )
    channel = forms.ChoiceField(
        label=_("渠道"), choices=[("", _("全部")), *Ticket.Channel.choices], required=False
    )
    tier = forms.ChoiceField(
        label=_("层级"), choices=[("", _("全部")), *Tier.choices], required=False
    )
