"""Triage queue, finding detail, decisions and reveals."""

from __future__ import annotations

from urllib.parse import quote

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response

from hongxian.review.casedata import CaseFacts
from hongxian.review.detail import FindingDetail
from hongxian.review.errors import ConflictError, ReviewInputError
from hongxian.review.queries import SORT_ZH
from hongxian.review.roles import DECIDE, LIST_FINDINGS, REVEAL, SUPPRESS, VIEW_FINDING, can, require
from hongxian.review.status import STATUS_ZH
from hongxian.schema import CATEGORIES, SEVERITIES
from hongxian.web.filters import parse_query
from hongxian.web.security import CurrentUser, service_of
from hongxian.web.templating import render

router = APIRouter()


def facts_of(request: Request) -> CaseFacts:
    return request.app.state.web.get_facts()


SAVED_ZH = {
    "1": "审查结论已保存",
    "suppressed": "已设置屏蔽规则：同类线索在到期前不再出现在队列中（可随时解除）",
    "lifted": "已解除屏蔽规则",
}
SUPPRESS_DAYS = 90


@router.get("/findings")
def triage(request: Request, user: CurrentUser) -> Response:
    require(user, LIST_FINDINGS)
    tq = parse_query(request.query_params, max_per_page=200)
    page = service_of(request).list_findings(user, tq.filters, tq.sort, tq.page, tq.per_page)
    return render(
        request,
        "findings.html",
        {
            "page": page,
            "tq": tq,
            "now": service_of(request).now(),
            "categories": CATEGORIES,
            "severities": tuple(reversed(SEVERITIES)),
            "statuses": tuple(STATUS_ZH),
            "sorts": SORT_ZH,
        },
    )


def _detail_page(
    request: Request,
    detail: FindingDetail,
    *,
    message: str | None = None,
    error: str | None = None,
    status: int = 200,
    form: dict | None = None,
) -> Response:
    user = request.state.user
    rules = service_of(request).suppressions_for(user, detail.finding_id) if can(user, SUPPRESS) else []
    return render(
        request,
        "finding.html",
        {
            "rules": rules,
            "suppress_days": SUPPRESS_DAYS,
            "d": detail,
            "f": detail.finding,
            "message": message,
            "error": error,
            "statuses": STATUS_ZH,
            "form": form or {"status": detail.status, "reason": ""},
        },
        status=status,
    )


@router.get("/findings/{finding_id}")
def finding_page(request: Request, user: CurrentUser, finding_id: str, saved: str = "") -> Response:
    require(user, VIEW_FINDING)
    detail = service_of(request).get_finding(user, finding_id, facts_of(request))
    return _detail_page(request, detail, message=SAVED_ZH.get(saved))


@router.post("/findings/{finding_id}/decide")
def decide(
    request: Request,
    user: CurrentUser,
    finding_id: str,
    status: str = Form(""),
    reason: str = Form(""),
    version: str = Form(""),
) -> Response:
    require(user, DECIDE)
    service = service_of(request)
    form = {"status": status, "reason": reason}
    try:
        expected = int(version)
    except ValueError:
        expected = -1
    try:
        service.decide(user, finding_id, status, reason, expected)
    except ConflictError as exc:
        return _detail_page(
            request,
            service.get_finding(user, finding_id, facts_of(request)),
            error=str(exc),
            status=409,
            form=form,
        )
    except ReviewInputError as exc:
        return _detail_page(
            request,
            service.get_finding(user, finding_id, facts_of(request)),
            error=str(exc),
            status=400,
            form=form,
        )
    return RedirectResponse(f"/findings/{quote(finding_id, safe='')}?saved=1", status_code=303)


@router.post("/findings/{finding_id}/reveal")
def reveal(request: Request, user: CurrentUser, finding_id: str, reason: str = Form("")) -> Response:
    require(user, REVEAL)
    service = service_of(request)
    try:
        detail = service.reveal(user, finding_id, reason, facts_of(request))
    except ReviewInputError as exc:
        detail = service.get_finding(user, finding_id, facts_of(request))
        return _detail_page(request, detail, error=str(exc), status=400)
    return _detail_page(request, detail, message="已显示未脱敏内容（本次查看及理由已记入审计日志）")


def _back(finding_id: str, saved: str) -> RedirectResponse:
    return RedirectResponse(f"/findings/{quote(finding_id, safe='')}?saved={saved}", status_code=303)


@router.post("/findings/{finding_id}/suppress")
def suppress_finding(
    request: Request,
    user: CurrentUser,
    finding_id: str,
    scope: str = Form("subject"),
    days: str = Form(""),
    reason: str = Form(""),
) -> Response:
    """Suppress this finding's check for its subject (scope=subject) or for everyone (scope=check)."""
    require(user, SUPPRESS)
    service = service_of(request)
    f = service.get_finding(user, finding_id).finding
    try:
        n = int(days) if days.strip() else SUPPRESS_DAYS
        subject = (f.subject.kind, f.subject.id) if scope != "check" else (None, None)
        service.suppress(user, f.check_id, reason, days=n, subject_kind=subject[0], subject_id=subject[1])
    except (ValueError, ReviewInputError) as exc:
        msg = str(exc) if isinstance(exc, ReviewInputError) else "有效期天数必须是整数"
        detail = service.get_finding(user, finding_id, facts_of(request))
        return _detail_page(request, detail, error=msg, status=400)
    return _back(finding_id, "suppressed")


@router.post("/suppressions/{suppression_id}/revoke")
def lift_suppression(
    request: Request, user: CurrentUser, suppression_id: int, finding: str = Form("")
) -> Response:
    require(user, SUPPRESS)
    service_of(request).revoke_suppression(user, suppression_id)
    if finding:
        return _back(finding, "lifted")
    return RedirectResponse("/findings?suppressed=1", status_code=303)
