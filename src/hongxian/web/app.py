"""The FastAPI application factory and its error handling."""

from __future__ import annotations

from pathlib import Path

from fastapi import Depends, FastAPI, Request
from fastapi.responses import JSONResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles

from hongxian.case import load_case_config
from hongxian.report.inputs import ReportError
from hongxian.review.errors import AuthError, NotFound, PermissionDenied, ReviewError, ReviewInputError
from hongxian.review.service import ReviewService, open_store
from hongxian.settings import Settings
from hongxian.web.context import WebState
from hongxian.web.routes import api, audit, auth, dossiers, findings, home, selfcheck
from hongxian.web.security import CsrfRejected, LoginRequired, auth_gate, is_api, login_redirect_url
from hongxian.web.templating import make_env, render

STATIC = Path(__file__).parent / "static"
ROUTE_MODULES = (auth, home, findings, dossiers, audit, selfcheck, api)
SECURITY_HEADERS = {
    "Content-Security-Policy": "default-src 'self'; script-src 'self'; style-src 'self'; "
    "img-src 'self' data:; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'",
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
    "Cache-Control": "no-store",
}
ERROR_STATUS: list[tuple[type[Exception], int, str]] = [
    (PermissionDenied, 403, "无权访问"),
    (AuthError, 403, "无权访问"),
    (NotFound, 404, "未找到"),
    (ReviewInputError, 400, "输入有误"),
    (ReviewError, 400, "操作失败"),
    (ReportError, 400, "无法生成报告"),
]


def _error_response(request: Request, status: int, title: str, message: str) -> Response:
    if is_api(request):
        return JSONResponse({"detail": message}, status_code=status)
    return render(request, "error.html", {"title": title, "error_text": message}, status=status)


def _install_handlers(app: FastAPI) -> None:
    @app.exception_handler(LoginRequired)
    async def _login(request: Request, exc: LoginRequired) -> Response:
        if exc.api:
            return JSONResponse({"detail": str(exc)}, status_code=401, headers={"WWW-Authenticate": "Cookie"})
        return RedirectResponse(login_redirect_url(exc.next_url), status_code=303)

    @app.exception_handler(CsrfRejected)
    async def _csrf(request: Request, exc: CsrfRejected) -> Response:
        return _error_response(request, 403, "请求被拒绝", str(exc))

    for exc_type, status, title in ERROR_STATUS:

        def handler(request: Request, exc: Exception, _s: int = status, _t: str = title) -> Response:
            return _error_response(request, _s, _t, str(exc))

        app.add_exception_handler(exc_type, handler)


def _install_headers(app: FastAPI) -> None:
    """No inline script or style, no framing, nothing cached: pages carry case data."""

    @app.middleware("http")
    async def _headers(request: Request, call_next):
        response = await call_next(request)
        for name, value in SECURITY_HEADERS.items():
            response.headers.setdefault(name, value)
        return response


def create_app(
    case_dir: Path,
    settings: Settings | None = None,
    *,
    service: ReviewService | None = None,
    rulebook=None,
    self_checker=None,
) -> FastAPI:
    """The web application of one case.

    ``service`` (tests: a fake clock, a fast password hasher), ``rulebook`` and ``self_checker``
    may be passed in; otherwise the store is opened from ``settings`` and the rulebook is loaded
    on the first self-check.
    """
    case_dir = Path(case_dir)
    settings = settings or Settings()
    case = load_case_config(case_dir)
    if service is None:
        service = ReviewService(open_store(case_dir, settings), settings, case_dir=case_dir)
    app = FastAPI(
        title="红线 审查系统",
        docs_url=None,
        redoc_url=None,
        openapi_url=None,
        dependencies=[Depends(auth_gate)],
    )
    web = WebState(
        case_dir=case_dir,
        settings=settings,
        service=service,
        case=case,
        rulebook=rulebook,
        self_checker=self_checker,
    )
    app.state.web = web
    app.state.service = service
    app.state.settings = settings
    app.state.jinja = make_env()
    app.mount("/static", StaticFiles(directory=str(STATIC)), name="static")
    for module in ROUTE_MODULES:
        app.include_router(module.router)
    _install_handlers(app)
    _install_headers(app)
    return app
