"""The two-factor pages: enrolment (QR code, key, first code) and the code step at login."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext_lazy as _

from accounts import two_factor
from accounts.permissions import agent_required
from core.types import AuthenticatedHttpRequest


class CodeForm(forms.Form):
    code = forms.CharField(
        label=_("验证器中的 6 位动态码"),
        max_length=12,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}
        ),
    )


def _next(request: AuthenticatedHttpRequest) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    safe = url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )
    return target if safe else "/"


@agent_required
def two_factor_setup(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Enrol an authenticator app: scan the QR code (or type the key), then enter one code."""
    user = request.user
    if two_factor.enrolled(user) and not two_factor.is_verified(request):
        # A password alone must not replace the device: the code step first.
        return redirect("two_factor_verify")
    device = two_factor.pending_device(user)
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if two_factor.confirm(request, device, form.cleaned_data["code"]):
            messages.success(request, _("两步验证已开启：以后登录时需要输入验证器中的动态码。"))
            return redirect(_next(request))
        form.add_error("code", _("动态码不正确或已过期，请输入验证器当前显示的 6 位数字。"))
    context = {
        "form": form,
        "enrolled": two_factor.enrolled(user),
        "required": two_factor.required_for(user),
        "secret": two_factor.secret_of(device),
        "qr": two_factor.qr_data_uri(device),
        "next": _next(request),
    }
    return render(request, "registration/two_factor_setup.html", context)


@agent_required
def two_factor_verify(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The code step after the password."""
    if not two_factor.enrolled(request.user):
        return redirect("two_factor_setup")
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if two_factor.verify(request, form.cleaned_data["code"]):
            return redirect(_next(request))
        form.add_error("code", _("动态码不正确或已过期。多次输错后需要等待更久才能再试。"))
    context = {"form": form, "next": _next(request)}
    return render(request, "registration/two_factor_verify.html", context)
