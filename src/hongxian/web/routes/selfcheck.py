"""发前自检: a draft message checked against every text check (`hongxian.selfcheck.SelfChecker`)."""

from __future__ import annotations

from fastapi import APIRouter, Form, Request
from fastapi.responses import Response

from hongxian.web.security import CurrentUser
from hongxian.web.templating import render

router = APIRouter()
MAX_TEXT = 20000


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
