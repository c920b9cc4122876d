"""Team pages: the owner's team (members, invitations, activity) and the public page where
an invited manager or cashier accepts and sets a password."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import login
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from accounts.permissions import merchant_required
from core.types import AuthenticatedHttpRequest
from merchants import team
from merchants.models import Membership, TeamInvite
from merchants.team_forms import InviteForm, JoinForm, MemberForm


@merchant_required
def team_page(request: AuthenticatedHttpRequest) -> HttpResponse:
    owner = team.check_owner(request.user)
    owned = team.owned_merchants(owner)
    members = (
        Membership.objects.visible_to(owner)
        .filter(merchant__in=owned)
        .select_related("user", "merchant", "store")
        .order_by("merchant__merchant_id", "role", "user__username")
    )
    invites = [
        row
        for row in TeamInvite.objects.visible_to(owner)
        .filter(merchant__in=owned)
        .select_related("merchant", "store")[:50]
        if row.is_pending
    ]
    context = {
        "members": [(m, MemberForm(membership=m, prefix=f"m{m.pk}")) for m in members],
        "invites": invites,
        "form": InviteForm(owner=owner),
    }
    return render(request, "merchants/team.html", context)


@merchant_required
@require_POST
def team_invite(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = InviteForm(request.POST, owner=team.check_owner(request.user))
    if not form.is_valid():
        for errors in form.errors.values():
            messages.error(request, " ".join(str(error) for error in errors))
        return redirect("portal_team")
    try:
        row, token = team.invite(
            form.cleaned_data["merchant"],
            by=request.user,
            role=form.cleaned_data["role"],
            name=form.cleaned_data["name"],
            store=form.cleaned_data["store"],
        )
    except team.TeamError as error:
        messages.error(request, str(error))
        return redirect("portal_team")
    link = request.build_absolute_uri(reverse("team_join", args=[token]))
    messages.success(
        request,
        _("邀请已创建。请把这个链接发给%(name)s（%(days)s 天内有效，只显示这一次）：%(link)s")
        % {"name": row.name, "days": TeamInvite.VALID_DAYS, "link": link},
    )
    return redirect("portal_team")


@merchant_required
@require_POST
def team_member(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    membership = get_object_or_404(
        Membership.objects.visible_to(request.user).select_related("merchant", "user"), pk=pk
    )
    try:
        if request.POST.get("remove"):
            team.remove(membership, by=request.user)
            messages.success(request, _("已移出团队"))
        else:
            form = MemberForm(request.POST, membership=membership, prefix=f"m{pk}")
            if not form.is_valid():
                raise team.TeamError(_("请选择角色和门店"))
            team.change_role(
                membership,
                by=request.user,
                role=form.cleaned_data["role"],
                store=form.cleaned_data["store"],
            )
            messages.success(request, _("已保存"))
    except team.TeamError as error:
        messages.error(request, str(error))
    return redirect("portal_team")


@merchant_required
@require_POST
def team_invite_revoke(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    row = get_object_or_404(TeamInvite.objects.visible_to(request.user), pk=pk)
    team.revoke(row, by=request.user)
    messages.success(request, _("邀请已撤回"))
    return redirect("portal_team")


@merchant_required
def team_activity(request: AuthenticatedHttpRequest) -> HttpResponse:
    return render(request, "merchants/team_activity.html", {"rows": team.activity(request.user)})


@require_http_methods(["GET", "POST"])
def team_join(request: HttpRequest, token: str) -> HttpResponse:
    row = team.pending_invite(token)
    form = JoinForm(request.POST or None)
    if row is not None and request.method == "POST" and form.is_valid():
        try:
            user = team.accept(
                token,
                username=form.cleaned_data["username"],
                password=form.cleaned_data["password"],
            )
        except team.TeamError as error:
            form.add_error(None, str(error))
        else:
            login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            messages.success(request, _("欢迎加入！"))
            return redirect("portal")
    status = 200 if row is not None else 404
    return render(request, "merchants/team_join.html", {"invite": row, "form": form}, status=status)
