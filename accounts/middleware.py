"""Two-factor login enforced on every page (see accounts/two_factor.py): a staff user who has
enrolled must enter a code, and a user whose role requires it must first enrol, before any page
other than the two-factor pages themselves, logging out and the language switch."""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import urlencode

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.urls import Resolver404, resolve, reverse
from django.utils.translation import gettext_lazy as _

from accounts import two_factor
from core.errors import in_both_languages

OPEN_TO_UNVERIFIED = {
    "two_factor_setup",
    "two_factor_verify",
    "logout",
    "login",
    "set_language",
}
API_REFUSAL = _("请先在网页上完成两步验证（输入验证器中的动态码）后再使用接口。")


class TwoFactorMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        try:
            refusal = self._refusal(request)
        except Exception as error:  # the device look-up needs the database
            from core.middleware import OutageMiddleware, is_outage

            if not is_outage(error):
                raise
            outage = OutageMiddleware(self.get_response).process_exception(request, error)
            assert outage is not None
            return outage
        return refusal or self.get_response(request)

    def _refusal(self, request: HttpRequest) -> HttpResponse | None:
        user = request.user
        if (
            user.is_authenticated
            and two_factor.may_enrol(user)
            and not two_factor.is_verified(request)
            and not self._open(request)
        ):
            if two_factor.enrolled(user):
                return self._send_to(request, "two_factor_verify")
            if two_factor.required_for(user):
                return self._send_to(request, "two_factor_setup")
        return None

    @staticmethod
    def _open(request: HttpRequest) -> bool:
        try:
            return resolve(request.path_info).url_name in OPEN_TO_UNVERIFIED
        except Resolver404:
            return False

    @staticmethod
    def _send_to(request: HttpRequest, name: str) -> HttpResponse:
        if request.path_info.startswith("/api/"):
            return JsonResponse({"detail": in_both_languages(API_REFUSAL)}, status=403)
        query = urlencode({"next": request.get_full_path()})
        return redirect(f"{reverse(name)}?{query}")
