"""Login, logout and user management (管理员)."""

from __future__ import annotations

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response

from hongxian.review.auth import LoginThrottled
from hongxian.review.errors import ReviewInputError
from hongxian.review.roles import MANAGE_USERS, ROLE_ZH, User, require
from hongxian.review.service import NO_USERS_HINT
from hongxian.web.security import (
    COOKIE,
    CurrentUser,
    safe_next,
    served_over_https,
    service_of,
    session_token,
)
from hongxian.web.templating import render

router = APIRouter()
LOGGED_OUT = "/login?bye=1"


@router.get("/login")
def login_page(request: Request, next: str = "/", bye: str = "") -> Response:  # noqa: A002 - the query name
    message = "已退出登录" if bye == "1" else None
    return render(request, "login.html", {"next_url": safe_next(next), "username": "", "message": message})


@router.post("/login")
def login_submit(
    request: Request, username: str = Form(""), password: str = Form(""), next: str = Form("/")
) -> Response:  # noqa: A002
    service = service_of(request)
    address = request.client.host if request.client else None
    try:
        user = (
            service.authenticate(username.strip(), password, address)
            if username.strip() and password
            else None
        )
    except LoginThrottled as exc:
        page = render(
            request,
            "login.html",
            {"next_url": safe_next(next), "username": username, "error": str(exc)},
            status=429,
        )
        page.headers["Retry-After"] = str(exc.retry_after)
        return page
    if user is None:
        error = "用户名或密码错误，或账号已停用" if service.has_users() else NO_USERS_HINT
        return render(
            request,
            "login.html",
            {"next_url": safe_next(next), "username": username, "error": error},
            status=401,
        )
    previous = session_token(request)
    if previous:
        service.end_session(previous)
    token = service.create_session(user)
    response = RedirectResponse(safe_next(next), status_code=303)
    response.set_cookie(
        COOKIE,
        token,
        max_age=service.settings.session_minutes * 60,
        httponly=True,
        samesite="lax",
        path="/",
        secure=served_over_https(request),
    )
    return response


@router.post("/logout")
def logout(request: Request, user: CurrentUser) -> Response:
    token = session_token(request)
    if token:
        service_of(request).end_session(token)
    response = RedirectResponse(LOGGED_OUT, status_code=303)
    response.delete_cookie(COOKIE, path="/", secure=served_over_https(request), httponly=True, samesite="lax")
    return response


def _users_page(
    request: Request, user: User, message: str | None = None, error: str | None = None, status: int = 200
) -> Response:
    users = service_of(request).list_users(user)
    return render(
        request,
        "users.html",
        {"users": users, "roles": ROLE_ZH, "message": message, "error": error},
        status=status,
    )


@router.get("/users")
def users_page(request: Request, user: CurrentUser) -> Response:
    require(user, MANAGE_USERS)
    return _users_page(request, user)


@router.post("/users")
def users_add(
    request: Request, user: CurrentUser, name: str = Form(""), role: str = Form(""), password: str = Form("")
) -> Response:
    require(user, MANAGE_USERS)
    try:
        added = service_of(request).add_user(name, role, password, actor=user)
    except ReviewInputError as exc:
        return _users_page(request, user, error=str(exc), status=400)
    return _users_page(request, user, message=f"已新增用户“{added.name}”（{added.role_label}）")


@router.post("/users/status")
def users_status(
    request: Request, user: CurrentUser, name: str = Form(""), disabled: str = Form("1")
) -> Response:
    require(user, MANAGE_USERS)
    off = disabled == "1"
    if off and name == user.name:
        return _users_page(request, user, error="不能停用当前登录的账号", status=400)
    try:
        service_of(request).set_user_disabled(user, name, off)
    except ReviewInputError as exc:
        return _users_page(request, user, error=str(exc), status=400)
    return _users_page(request, user, message=f"已{'停用' if off else '启用'}用户“{name}”")
