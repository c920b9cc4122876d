"""API token login (`POST /api/auth/token/`): a password gets a token only for accounts that
log in with a password alone. Staff who use two-factor login (enrolled, or in TWO_FACTOR_ROLES)
would otherwise skip the code step through the API; their tokens are made by an admin."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.authtoken.serializers import AuthTokenSerializer
from rest_framework.authtoken.views import ObtainAuthToken
from rest_framework.request import Request
from rest_framework.response import Response

from accounts import two_factor
from core.errors import in_both_languages

TWO_FACTOR_ACCOUNT = _("此账号使用两步验证，不能只凭密码获取接口令牌；请联系管理员。")


class PasswordTokenView(ObtainAuthToken):
    @extend_schema(
        responses={
            200: AuthTokenSerializer,
            403: OpenApiResponse(
                description="The account uses two-factor login: no token for a password alone."
            ),
        }
    )
    def post(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        user = serializer.validated_data["user"]
        if two_factor.required_for(user) or two_factor.enrolled(user):
            return Response(
                {"detail": in_both_languages(TWO_FACTOR_ACCOUNT)}, status=status.HTTP_403_FORBIDDEN
            )
        return super().post(request, *args, **kwargs)


obtain_auth_token = PasswordTokenView.as_view()
