"""User administration pages (``/admin/``) for administrators and city/county officers, each over
its own region subtree (``accounts.privileges``); everyone else gets 404. Writes go through
``accounts.actions`` (audited); a new or reset password is shown once, on the answering page."""

from __future__ import annotations

from functools import wraps

from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from doudi.accounts import actions, privileges, queries
from doudi.accounts.forms import (
    OwnPasswordForm,
    ResetPasswordForm,
    UserChangeForm,
    UserCreateForm,
    UserFilterForm,
)
from doudi.accounts.models import User
from doudi.core.access import scoped_view

PAGE_SIZE = 50


def manager_view(view):
    """Logged in with a region (``scoped_view``) and holding ``accounts.manage``; otherwise 404."""

    @scoped_view
    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if not request.user.can("accounts.manage"):
            raise Http404("页面不存在")
        return view(request, *args, **kwargs)

    page = never_cache(wrapped)
    logged_in = page.doudi_access  # what the navigation asks (doudi.web.nav): the same check as the page
    page.doudi_access = lambda user: logged_in(user) and user.can("accounts.manage")
    return page


def _target(request, pk: int) -> User:
    user = queries.find_managed_user(request.user, pk)
    if user is None:
        raise Http404(privileges.OUT_OF_SCOPE)
    return user


def _errors(exc: ValidationError) -> str:
    return "；".join(m.rstrip("。") for m in exc.messages)


@require_GET
@manager_view
def user_list(request):
    form = UserFilterForm(request.GET or None, actor=request.user)
    users = queries.user_list(request.user, **form.filters())
    page = Paginator(users, PAGE_SIZE).get_page(request.GET.get("page"))
    locked = queries.locked_usernames(u.username for u in page)
    rows = [{"user": u, "locked": u.username in locked} for u in page]
    return render(request, "accounts/users.html", {"form": form, "page_obj": page, "rows": rows})


@manager_view
def user_create(request):
    form = UserCreateForm(request.POST or None, actor=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        password = data["password"] or actions.generate_password()
        try:
            user = actions.create_user(
                actor=request.user,
                username=data["username"].strip(),
                password=password,
                role=data["role"],
                region_code=data["region"],
                department=data["department"] if data["role"] == "department_user" else "",
                display_name=data["display_name"].strip(),
                must_change_password=True,
            )
        except actions.AccountError as exc:
            form.add_error(None, str(exc))
        except ValidationError as exc:
            form.add_error("password", "密码不符合要求：" + _errors(exc))
        else:
            return _detail(request, user, new_password=password, created=True)
    status = 400 if form.is_bound else 200
    return render(request, "accounts/user_create.html", {"form": form}, status=status)


def _detail(request, target: User, status: int = 200, **extra):
    target = queries.find_managed_user(request.user, target.pk) or target
    context = {
        "target": target,
        "locked": bool(queries.locked_usernames([target.username])),
        "tokens": queries.tokens_of(target),
        "is_self": target.pk == request.user.pk,
        "change_form": UserChangeForm(
            initial={"role": target.role, "region": target.region_id, "department": target.department},
            actor=request.user,
            current_region=target.region_id,
        ),
        "reset_form": ResetPasswordForm(),
        **extra,
    }
    return render(request, "accounts/user_detail.html", context, status=status)


@require_GET
@manager_view
def user_detail(request, pk: int):
    return _detail(request, _target(request, pk))


@require_POST
@manager_view
def user_change(request, pk: int):
    target = _target(request, pk)
    form = UserChangeForm(request.POST, actor=request.user, current_region=target.region_id)
    if form.is_valid():
        data = form.cleaned_data
        try:
            actions.change_role(
                actor=request.user,
                user=target,
                role=data["role"],
                region_code=data["region"],
                department=data["department"],
            )
        except actions.AccountError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, "已保存角色与管辖区划。")
            return _after(request, target)
    return _detail(request, target, status=400, change_form=form)


def _after(request, target: User):
    """Back to the account's page, or to the list if the actor no longer manages it."""
    if queries.find_managed_user(request.user, target.pk) is None:
        return redirect("accounts:users")
    return redirect("accounts:user", pk=target.pk)


@require_POST
@manager_view
def user_active(request, pk: int):
    target = _target(request, pk)
    active = request.POST.get("active") == "1"
    try:
        actions.set_active(actor=request.user, user=target, active=active)
    except actions.AccountError as exc:
        return _detail(request, target, status=400, action_error=str(exc))
    messages.success(request, f"已{'启用' if active else '停用'}账号 {target.username}。")
    return _after(request, target)


@require_POST
@manager_view
def user_password(request, pk: int):
    target = _target(request, pk)
    form = ResetPasswordForm(request.POST)
    if form.is_valid():
        try:
            password = actions.reset_password(
                actor=request.user, user=target, password=form.cleaned_data["password"] or None
            )
        except actions.AccountError as exc:
            form.add_error(None, str(exc))
        except ValidationError as exc:
            form.add_error("password", "密码不符合要求：" + _errors(exc))
        else:
            if target.pk == request.user.pk:
                update_session_auth_hash(request, queries.reload_user(target.pk))
            return _detail(request, target, new_password=password)
    return _detail(request, target, status=400, reset_form=form)


@require_POST
@manager_view
def user_unlock(request, pk: int):
    target = _target(request, pk)
    try:
        actions.unlock(actor=request.user, user=target)
    except actions.AccountError as exc:
        return _detail(request, target, status=400, action_error=str(exc))
    messages.success(request, f"已解除账号 {target.username} 的登录锁定。")
    return _after(request, target)


@require_POST
@manager_view
def token_revoke(request, pk: int, token_id: int):
    target = _target(request, pk)
    token = queries.live_token(target, token_id)
    if token is None:
        raise Http404("令牌不存在或已吊销")
    try:
        actions.revoke_token(actor=request.user, token=token)
    except actions.AccountError as exc:
        return _detail(request, target, status=400, action_error=str(exc))
    messages.success(request, f"已吊销令牌 {token.prefix}…（{token.name}）。")
    return _after(request, target)


@never_cache
@scoped_view
def own_password(request):
    """Any user changes their own password; required after an administrator's reset."""
    form = OwnPasswordForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            actions.change_own_password(user=request.user, password=form.cleaned_data["password1"])
        except ValidationError as exc:
            form.add_error("password1", "密码不符合要求：" + _errors(exc))
        else:
            update_session_auth_hash(request, request.user)
            messages.success(request, "密码已修改。")
            return redirect("web:home")
    status = 400 if form.is_bound else 200
    return render(request, "accounts/own_password.html", {"form": form}, status=status)
