"""我的接口令牌: staff issue and revoke their own API tokens (administrators also revoke any
in the system administration). The API acts with the roles of the token's user."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from yangguang.core.params import int_param
from yangguang.orgs.models import ApiToken, User
from yangguang.orgs.tokens import token_issue, token_revoke

NAME_MAX = 100  # ApiToken.name
ACTIVE_MAX = 10  # unrevoked tokens per user: one per system that calls the API is plenty
# A new token's secret waits in the session between the POST that issued it and the page that
# shows it (post/redirect/get): reloading that page then shows the list, not a second token.
ISSUED_KEY = "api_token_issued"


def _name_error(name: str, active: int) -> str:
    if not name:
        return "请填写令牌用途，例如“12345 热线数据对接”：日后据此判断能否吊销。"
    if len(name) > NAME_MAX:
        return f"用途最多 {NAME_MAX} 个字（现为 {len(name)} 个字）。"
    if active >= ACTIVE_MAX:
        return f"有效令牌已有 {active} 个：请先吊销不再使用的令牌。"
    return ""


def _revoke(request: HttpRequest, user: User, mine: QuerySet[ApiToken]) -> ApiToken | None:
    """Revoke the posted token once confirmed; before that, the token to ask about. A token
    revoked already (the confirmation sent twice) is not revoked again."""
    pk = int_param(request.POST.get("id", ""), maximum=2**63 - 1)
    token = mine.filter(pk=pk).first() if pk is not None else None
    if token is None:
        raise Http404("未找到")  # another user's token: the same as none
    if token.revoked_at is not None:
        messages.info(request, f"令牌 {token.prefix}… 已于此前吊销。")
        return None
    if request.POST.get("confirm") != "yes":
        return token  # the system that uses it stops working at once: ask first
    token_revoke(actor=user, token=token)
    messages.success(request, f"令牌 {token.prefix}… 已吊销，使用它的请求将被拒绝。")
    return None


@login_required
@require_http_methods(["GET", "POST"])
def api_tokens(request: HttpRequest) -> HttpResponse:
    user = request.user
    if not isinstance(user, User):  # login_required lets only a User through
        raise Http404("未找到")
    mine = ApiToken.objects.filter(user=user)
    name, error = "", ""
    confirming: ApiToken | None = None
    if request.method == "POST":
        action = request.POST.get("action", "")
        if action == "revoke":
            confirming = _revoke(request, user, mine)
            if confirming is None:
                return redirect("console:api_tokens")
        elif action != "issue":
            raise Http404("未找到")
        else:
            name = " ".join(request.POST.get("name", "").split())
            error = _name_error(name, mine.filter(revoked_at=None).count())
            if not error:
                issued = token_issue(actor=user, user=user, name=name)
                request.session[ISSUED_KEY] = {"name": issued.token.name, "secret": issued.secret}
                return redirect("console:api_tokens")
    response = render(
        request,
        "orgs/console/api_tokens.html",
        {
            "tokens": mine.order_by("revoked_at", "-created_at"),
            "issued": request.session.pop(ISSUED_KEY, None) if request.method == "GET" else None,
            "confirming": confirming,
            "name": name,
            "error": error,
            "name_max": NAME_MAX,
        },
        status=400 if error else 200,
    )
    # The page that shows a new token's secret (once) is kept by no cache and no back button.
    response["Cache-Control"] = "no-store"
    return response
