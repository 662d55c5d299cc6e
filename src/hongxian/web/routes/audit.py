"""The audit log with the hash-chain verification status."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response

from hongxian.review.errors import ReviewInputError
from hongxian.review.roles import VIEW_AUDIT, require
from hongxian.web.security import CurrentUser, service_of
from hongxian.web.templating import render

router = APIRouter()
PER_PAGE = 100


@router.get("/audit")
def audit_page(request: Request, user: CurrentUser, page: int = 1) -> Response:
    require(user, VIEW_AUDIT)
    if page < 1:
        raise ReviewInputError("页码须 ≥ 1")
    service = service_of(request)
    entries = service.audit_entries(user, page=page, per_page=PER_PAGE)
    verified = service.verify_audit()
    return render(request, "audit.html", {"entries": entries, "verified": verified})
