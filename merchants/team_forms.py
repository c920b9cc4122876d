from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from merchants.models import Membership, Store
from merchants.team import INVITABLE, owned_merchants


def _role_choices() -> list[tuple[str, Any]]:
    return [(role.value, role.label) for role in INVITABLE]


class StoreChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.merchant.short_name or obj.merchant.name} · {obj.name}"


class InviteForm(forms.Form):
    merchant = forms.ModelChoiceField(label=_("商户"), queryset=Store.objects.none())
    name = forms.CharField(label=_("姓名"), max_length=64)
    role = forms.ChoiceField(label=_("团队角色"), choices=_role_choices)
    store = StoreChoiceField(
        label=_("门店"), queryset=Store.objects.none(), required=False, empty_label=_("全部门店")
    )

    def __init__(self, *args: Any, owner: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        owned = owned_merchants(owner)
        self.fields["merchant"].queryset = owned  # type: ignore[attr-defined]
        self.fields["store"].queryset = (  # type: ignore[attr-defined]
            Store.objects.filter(merchant__in=owned).select_related("merchant")
        )


class MemberForm(forms.Form):
    role = forms.ChoiceField(label=_("团队角色"), choices=_role_choices)
    store = StoreChoiceField(
        label=_("门店"), queryset=Store.objects.none(), required=False, empty_label=_("全部门店")
    )

    def __init__(self, *args: Any, membership: Membership, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {"role": membership.role, "store": membership.store_id})
        super().__init__(*args, **kwargs)
        self.fields["store"].queryset = membership.merchant.stores.select_related(  # type: ignore[attr-defined]
            "merchant"
        )


class JoinForm(forms.Form):
    username = forms.CharField(label=_("用户名"), max_length=150)
    password = forms.CharField(label=_("密码"), widget=forms.PasswordInput, strip=False)
    password_again = forms.CharField(
        label=_("再输入一次密码"), widget=forms.PasswordInput, strip=False
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("password") != data.get("password_again"):
            raise forms.ValidationError(_("两次输入的密码不一致"))
        return data
