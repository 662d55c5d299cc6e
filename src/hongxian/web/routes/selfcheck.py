"""发前自检: a draft message checked against every text check (`hongxian.selfcheck.SelfChecker`), as a
page (``/check``) and as JSON (``POST /api/check``: ``{"text": …}`` → ``{"hits": […]}``, or
``{"items": [{"text": …, "id": …}, …]}`` → ``{"results": […]}``, one result per item as in
``hongxian check --batch``). Same login and CSRF header as the other API calls."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Body, Form, Request
from fastapi.responses import JSONResponse, Response

from hongxian.web.security import CurrentUser
from hongxian.web.templating import render

router = APIRouter()
MAX_TEXT = 20000
MAX_ITEMS = 1000


@router.get("/check")
def check_page(request: Request, user: CurrentUser) -> Response:
    return render(request, "check.html", {"text": "", "hits": None})


@router.post("/check")
def check_submit(request: Request, user: CurrentUser, text: str = Form("")) -> Response:
    if not text.strip():
        return render(
            request, "check.html", {"text": text, "hits": None, "error": "请输入要检查的内容"}, status=400
        )
    if len(text) > MAX_TEXT:
        return render(
            request,
            "check.html",
            {"text": text[:MAX_TEXT], "hits": None, "error": f"内容过长（最多 {MAX_TEXT} 字）"},
            status=400,
        )
    hits = request.app.state.web.get_self_checker().check(text)
    return render(request, "check.html", {"text": text, "hits": hits})


@router.post("/api/check")
def api_check(request: Request, user: CurrentUser, body: Annotated[Any, Body()]) -> JSONResponse:
    checker = request.app.state.web.get_self_checker()
    if isinstance(body, dict) and isinstance(body.get("text"), str):
        if len(body["text"]) > MAX_TEXT:
            return _error(f"内容过长（最多 {MAX_TEXT} 字）")
        return JSONResponse({"hits": [h.to_json_dict() for h in checker.check(body["text"])]})
    items = body.get("items") if isinstance(body, dict) else None
    if not isinstance(items, list):
        return _error('请求体应为 {"text": "…"} 或 {"items": [{"text": "…"}, …]}')
    if len(items) > MAX_ITEMS:
        return _error(f"一次最多检查 {MAX_ITEMS} 条")
    results = [_check_item(checker, item, i) for i, item in enumerate(items, 1)]
    return JSONResponse({"results": results})


def _check_item(checker, item: Any, number: int) -> dict:
    if not isinstance(item, dict) or not isinstance(item.get("text"), str):
        return {"item": number, "error": '应为 {"text": "…"} 形式的对象'}
    if len(item["text"]) > MAX_TEXT:
        return {"item": number, "error": f"内容过长（最多 {MAX_TEXT} 字）"}
    result = {k: v for k, v in item.items() if k != "text"}
    result["hits"] = [h.to_json_dict() for h in checker.check(item["text"])]
    return result


def _error(message: str) -> JSONResponse:
    return JSONResponse({"error": message}, status_code=400)
