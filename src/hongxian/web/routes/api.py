"""JSON API: the triage queue, one finding and a decision (same filters, permissions and CSRF as the
pages)."""

from __future__ import annotations

from dataclasses import asdict

from fastapi import APIRouter, Request
from fastapi.encoders import jsonable_encoder
from fastapi.responses import JSONResponse
from pydantic import BaseModel

from hongxian.review.errors import ConflictError
from hongxian.review.render import detail_json
from hongxian.review.roles import DECIDE, LIST_FINDINGS, VIEW_FINDING, require
from hongxian.web.filters import parse_query
from hongxian.web.security import CurrentUser, service_of

router = APIRouter(prefix="/api")


@router.get("/findings")
def api_findings(request: Request, user: CurrentUser) -> JSONResponse:
    require(user, LIST_FINDINGS)
    tq = parse_query(request.query_params)
    page = service_of(request).list_findings(user, tq.filters, tq.sort, tq.page, tq.per_page)
    return JSONResponse(
        jsonable_encoder(
            {
                "total": page.total,
                "page": page.page,
                "per_page": page.per_page,
                "pages": page.pages,
                "sort": tq.sort,
                "items": [asdict(r) for r in page.items],
            }
        )
    )


@router.get("/findings/{finding_id}")
def api_finding(request: Request, user: CurrentUser, finding_id: str) -> JSONResponse:
    require(user, VIEW_FINDING)
    detail = service_of(request).get_finding(user, finding_id)
    return JSONResponse(jsonable_encoder(detail_json(detail)))


class DecisionIn(BaseModel):
    status: str
    reason: str | None = None
    version: int


@router.post("/findings/{finding_id}/decision")
def api_decide(request: Request, user: CurrentUser, finding_id: str, body: DecisionIn) -> JSONResponse:
    """JSON body ``{status, reason, version}`` plus the ``X-CSRF-Token`` header; 409 on a stale version."""
    require(user, DECIDE)
    try:
        decision = service_of(request).decide(user, finding_id, body.status, body.reason, body.version)
    except ConflictError as exc:
        return JSONResponse(
            {
                "detail": str(exc),
                "current_version": exc.current_version,
                "current_status": exc.current_status,
            },
            status_code=409,
        )
    return JSONResponse(jsonable_encoder(asdict(decision)))


@router.get("/me")
def api_me(user: CurrentUser) -> JSONResponse:
    return JSONResponse({"name": user.name, "role": user.role, "role_label": user.role_label})
