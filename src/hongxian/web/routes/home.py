"""Case overview and report downloads."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import FileResponse, Response

from hongxian.labels import CATEGORY_ZH, SEVERITY_ZH
from hongxian.review.roles import LIST_FINDINGS, REPORT, User, can, require
from hongxian.review.status import STATUS_ZH
from hongxian.schema import CATEGORIES, SEVERITIES
from hongxian.web.reports import MEDIA_TYPES, build_report
from hongxian.web.security import CurrentUser, service_of
from hongxian.web.templating import render

router = APIRouter()


def _sources(request: Request) -> list[dict]:
    from hongxian.dataset.store import read_table

    try:
        rows = read_table(request.app.state.web.case_dir, "sources").to_pylist()
    except (OSError, ValueError):
        return []
    return rows


def _ordered(counts: dict[str, int], keys, labels: dict[str, str]) -> list[tuple[str, str, int]]:
    """(code, label, count) in the canonical order, then any unknown codes."""
    out = [(k, labels.get(k, k), counts.get(k, 0)) for k in keys]
    out += [(k, labels.get(k, k), n) for k, n in sorted(counts.items()) if k not in keys]
    return out


@router.get("/")
def overview(request: Request, user: CurrentUser) -> Response:
    ctx: dict = {"stats": None, "sources": _sources(request)}
    if can(user, LIST_FINDINGS) or can(user, REPORT):
        stats = service_of(request).stats(user)
        ctx.update(
            stats=stats,
            by_category=_ordered(stats.by_category, CATEGORIES, CATEGORY_ZH),
            by_severity=_ordered(stats.by_severity, tuple(reversed(SEVERITIES)), SEVERITY_ZH),
            by_status=_ordered(stats.by_status, tuple(STATUS_ZH), STATUS_ZH),
        )
    return render(request, "overview.html", ctx)


def _report(request: Request, user: User, fmt: str, person: str | None) -> Response:
    require(user, REPORT)
    path = build_report(request.app.state.web, user, fmt, person or None)
    return FileResponse(path, media_type=MEDIA_TYPES[fmt], filename=path.name)


@router.get("/report.html")
def report_html(request: Request, user: CurrentUser, person: str = "") -> Response:
    return _report(request, user, "html", person)


@router.get("/report.xlsx")
def report_xlsx(request: Request, user: CurrentUser, person: str = "") -> Response:
    return _report(request, user, "xlsx", person)


@router.get("/report.pdf")
def report_pdf(request: Request, user: CurrentUser, person: str = "") -> Response:
    return _report(request, user, "pdf", person)
