"""Per-subject dossiers (人员画像/线索档案): the subject index and one subject's dossier."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response

from hongxian.review.dossiers import INDEX_PAGE
from hongxian.review.roles import LIST_FINDINGS, VIEW_FINDING, require
from hongxian.web import svgcharts
from hongxian.web.routes.findings import facts_of
from hongxian.web.security import CurrentUser, service_of
from hongxian.web.templating import render

router = APIRouter()


@router.get("/dossiers")
def dossier_index(request: Request, user: CurrentUser, page: int = 1) -> Response:
    require(user, LIST_FINDINGS)
    page = max(1, page)
    entries, total = service_of(request).dossier_index(user, facts_of(request), page)
    pages = max(1, -(-total // INDEX_PAGE))
    ctx = {"entries": entries, "total": total, "page": page, "pages": pages}
    return render(request, "dossiers.html", ctx)


@router.get("/dossiers/{key}")
def dossier_page(request: Request, user: CurrentUser, key: str) -> Response:
    require(user, VIEW_FINDING)
    d = service_of(request).dossier(user, key, facts_of(request))
    titles = {f.id: f.finding.title for f in [*d.findings, *d.mentioned]}
    nums = {f.id: i for i, f in enumerate([*d.findings, *d.mentioned], start=1)}
    ctx = {
        "d": d,
        "titles": titles,
        "nums": nums,
        "money": d.money_by_direction(),
        **svgcharts.charts(d, facts_of(request)),
    }
    return render(request, "dossier.html", ctx)
