"""Triage queue, finding detail, decisions and reveals."""

from __future__ import annotations

from dataclasses import replace as dc_replace
from typing import Annotated
from urllib.parse import quote, urlsplit

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response
from starlette.datastructures import QueryParams

from hongxian.review import triage as triage_helpers
from hongxian.review.casedata import CaseFacts
from hongxian.review.detail import FindingDetail
from hongxian.review.dossier import subject_key
from hongxian.review.errors import ConflictError, NotFound, ReviewInputError
from hongxian.review.queries import SORT_ZH
from hongxian.review.roles import DECIDE, LIST_FINDINGS, REVEAL, SUPPRESS, VIEW_FINDING, can, require
from hongxian.review.status import STATUS_ZH
from hongxian.schema import CATEGORIES, SEVERITIES
from hongxian.web import svgcharts
from hongxian.web.filters import TriageQuery, parse_query
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


PAGE_SIZES = (20, 50, 100, 200)


def _queue_query(request: Request, user, query) -> TriageQuery:
    """The queue's query with a person typed by name resolved to the person id."""
    tq = parse_query(query, max_per_page=max(PAGE_SIZES))
    if tq.filters.person:
        person = triage_helpers.resolve_person(service_of(request), user, tq.filters.person)
        tq = dc_replace(tq, filters=dc_replace(tq.filters, person=person))
    return tq


def safe_back(back: str) -> str:
    """Only a link back into the queue (never another site): ``/findings`` or ``/findings?…``."""
    if back == "/findings" or (back.startswith("/findings?") and "//" not in back and "\\" not in back):
        return back
    return ""


def _bulk_message(query) -> str | None:
    if not query.get("bulk", "").isdigit():
        return None
    text = f"已批量处理 {query['bulk']} 条线索"
    if query.get("conflicts", "0") not in ("", "0"):
        text += f"；{query['conflicts']} 条已被他人修改，未保存，请逐条处理"
    return text


@router.get("/findings")
def triage(request: Request, user: CurrentUser) -> Response:
    require(user, LIST_FINDINGS)
    tq = _queue_query(request, user, request.query_params)
    page = service_of(request).list_findings(user, tq.filters, tq.sort, tq.page, tq.per_page)
    amounts = triage_helpers.amounts(service_of(request), user, [r.finding_id for r in page.items])
    return render(
        request,
        "findings.html",
        {
            "page": page,
            "tq": tq,
            "amounts": amounts,
            "page_sizes": PAGE_SIZES,
            "here": tq.url(page=page.page),
            "message": _bulk_message(request.query_params),
            "now": service_of(request).now(),
            "categories": CATEGORIES,
            "severities": tuple(reversed(SEVERITIES)),
            "statuses": tuple(STATUS_ZH),
            "sorts": SORT_ZH,
        },
    )


def _next_of(request: Request, back: str, finding_id: str) -> tuple[str | None, str]:
    """The next finding of the queue view ``back`` came from, and the queue link to return to."""
    user = request.state.user
    tq = _queue_query(request, user, QueryParams(urlsplit(back).query))
    nxt, page = triage_helpers.next_in_queue(
        service_of(request), user, tq.filters, tq.sort, tq.page, tq.per_page, finding_id
    )
    return nxt, tq.url(page=page)


def _subject_charts(request: Request, detail: FindingDetail) -> dict:
    """The money timeline (and, for a group, the member network) of the finding's subject: the charts of
    its dossier, drawn by the same code as the dossier page."""
    facts = facts_of(request)
    key = subject_key(detail.finding.subject)
    try:
        d = service_of(request).dossier(request.state.user, key, facts, audited=False)
    except NotFound:  # e.g. every finding on the subject is suppressed
        d = None
    return svgcharts.charts(d, facts)


def _detail_page(
    request: Request,
    detail: FindingDetail,
    *,
    back: str = "",
    message: str | None = None,
    error: str | None = None,
    status: int = 200,
    form: dict | None = None,
) -> Response:
    user = request.state.user
    rules = service_of(request).suppressions_for(user, detail.finding_id) if can(user, SUPPRESS) else []
    back = safe_back(back)
    nxt, next_back = _next_of(request, back, detail.finding_id) if back else (None, "")
    return render(
        request,
        "finding.html",
        {
            "rules": rules,
            "back": back,
            "next_id": nxt,
            "next_back": next_back,
            "suppress_days": SUPPRESS_DAYS,
            "d": detail,
            "f": detail.finding,
            "message": message,
            "error": error,
            "statuses": STATUS_ZH,
            "form": form or {"status": detail.status, "reason": ""},
            "dossier_key": subject_key(detail.finding.subject),
            **_subject_charts(request, detail),
        },
        status=status,
    )


@router.get("/findings/{finding_id}")
def finding_page(
    request: Request, user: CurrentUser, finding_id: str, saved: str = "", back: str = ""
) -> Response:
    require(user, VIEW_FINDING)
    detail = service_of(request).get_finding(user, finding_id, facts_of(request))
    return _detail_page(request, detail, message=SAVED_ZH.get(saved), back=back)


@router.post("/findings/{finding_id}/decide")
def decide(
    request: Request,
    user: CurrentUser,
    finding_id: str,
    status: str = Form(""),
    reason: str = Form(""),
    version: str = Form(""),
    back: str = Form(""),
    next_id: str = Form(""),
    then: str = Form(""),
) -> Response:
    require(user, DECIDE)
    service = service_of(request)
    form = {"status": status, "reason": reason}
    expected = int(version) if version.strip().isdigit() else -1
    try:
        service.decide(user, finding_id, status, reason, expected)
    except (ConflictError, ReviewInputError) as exc:
        code = 409 if isinstance(exc, ConflictError) else 400
        detail = service.get_finding(user, finding_id, facts_of(request))
        return _detail_page(request, detail, error=str(exc), status=code, form=form, back=back)
    return _after_decide(finding_id, safe_back(back), next_id if then == "next" else "", then == "next")


def _after_decide(finding_id: str, back: str, next_id: str, go_next: bool) -> RedirectResponse:
    suffix = f"&back={quote(back, safe='')}" if back else ""
    if next_id:
        return RedirectResponse(f"/findings/{quote(next_id, safe='')}?saved=1{suffix}", status_code=303)
    if go_next and back:  # the end of the queue: back to it
        return RedirectResponse(back, status_code=303)
    return RedirectResponse(f"/findings/{quote(finding_id, safe='')}?saved=1{suffix}", status_code=303)


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


@router.post("/findings/bulk")
def bulk_decide(
    request: Request,
    user: CurrentUser,
    pick: Annotated[list[str], Form()] = [],  # noqa: B006 (FastAPI copies defaults)
    status: str = Form(""),
    reason: str = Form(""),
    back: str = Form(""),
) -> Response:
    """批量处理: the ticked rows (``finding_id:version``) get one status and reason."""
    require(user, DECIDE)
    items = []
    for value in pick:
        fid, _, ver = value.rpartition(":")
        items.append((fid, int(ver) if ver.isdigit() else -1))
    result = triage_helpers.bulk_decide(service_of(request), user, items, status, reason)
    target = safe_back(back) or "/findings"
    sep = "&" if "?" in target else "?"
    return RedirectResponse(
        f"{target}{sep}bulk={len(result.saved)}&conflicts={len(result.conflicts)}", status_code=303
    )
