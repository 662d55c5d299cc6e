"""Jinja2 environment (autoescape always on), filters and the page renderer.

Data is never marked safe: `highlight` escapes every piece of the excerpt itself and only adds
its own ``<mark>`` tags around the evidence spans.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from datetime import datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from fastapi import Request
from fastapi.responses import HTMLResponse
from jinja2 import Environment, FileSystemLoader, StrictUndefined
from markupsafe import Markup, escape

from hongxian.labels import (
    AUDIT_DETAIL_ZH,
    CATEGORY_ZH,
    PAYMENT_KIND_ZH,
    SEVERITY_ZH,
    SUBJECT_ZH,
    TABLE_ZH,
    source_format_zh,
)
from hongxian.review import roles
from hongxian.review.render import money, ts
from hongxian.review.status import STATUS_ZH
from hongxian.rulebook.titles import check_title
from hongxian.textsafe import finalize_for_display
from hongxian.web.security import csrf_value

TEMPLATES = Path(__file__).parent / "templates"


def merge_spans(spans: Iterable[tuple[int, int]], length: int) -> list[tuple[int, int]]:
    """Clamp spans to ``[0, length]``, drop empty ones and merge overlaps."""
    out: list[tuple[int, int]] = []
    for start, end in sorted((max(0, int(s)), min(length, int(e))) for s, e in spans):
        if end <= start:
            continue
        if out and start <= out[-1][1]:
            out[-1] = (out[-1][0], max(out[-1][1], end))
        else:
            out.append((start, end))
    return out


def highlight(text: str | None, spans: Iterable[tuple[int, int]] | None) -> Markup:
    """The excerpt escaped, with each span wrapped in ``<mark>``."""
    if not text:
        return Markup("")
    parts: list[str] = []
    pos = 0
    for start, end in merge_spans(spans or [], len(text)):
        parts.append(str(escape(text[pos:start])))
        parts.append(f'<mark class="hit">{escape(text[start:end])}</mark>')
        pos = end
    parts.append(str(escape(text[pos:])))
    return Markup("".join(parts))


def penalty_steps(text: str | None) -> list[str]:
    """A penalty ladder text split into its steps (情节较轻的…；情节较重的…)."""
    if not text:
        return []
    return [p.strip() for p in text.replace(";", "；").split("；") if p.strip()]


def _detail_value(key: str, v: object) -> str:
    if key in ("from", "to") and isinstance(v, str):
        return STATUS_ZH.get(v, v)
    if isinstance(v, list) and all(isinstance(x, str) for x in v):
        return "、".join(v)
    return v if isinstance(v, str) else json.dumps(v, ensure_ascii=False)


def detail_text(detail: dict) -> str:
    """An audit entry's details in Chinese: ``原状态：待审；新状态：确认``."""
    return "；".join(f"{AUDIT_DETAIL_ZH.get(k, k)}：{_detail_value(k, v)}" for k, v in detail.items())


def _ts(value: datetime | None) -> str:
    return ts(value)


def make_env() -> Environment:
    env = Environment(
        loader=FileSystemLoader(str(TEMPLATES)),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        finalize=finalize_for_display,  # bidi controls shown as visible marks (issue 13 item 14)
    )
    env.filters.update(
        ts=_ts,
        money=money,
        highlight=highlight,
        penalty_steps=penalty_steps,
        detail_text=detail_text,
        source_format=source_format_zh,
    )
    env.globals.update(
        CATEGORY_ZH=CATEGORY_ZH,
        SEVERITY_ZH=SEVERITY_ZH,
        STATUS_ZH=STATUS_ZH,
        SUBJECT_ZH=SUBJECT_ZH,
        TABLE_ZH=TABLE_ZH,
        PAYMENT_KIND_ZH=PAYMENT_KIND_ZH,
        ROLE_ZH=roles.ROLE_ZH,
        urlencode=urlencode,
    )
    return env


def nav_items(user: roles.User | None) -> list[tuple[str, str]]:
    if user is None:
        return []
    items = [("/", "案件概览")]
    if roles.can(user, roles.LIST_FINDINGS):
        items.append(("/findings", "线索审查"))
        items.append(("/dossiers", "人员画像"))
    if roles.can(user, roles.VIEW_AUDIT):
        items.append(("/audit", "审计日志"))
    if roles.can(user, roles.MANAGE_USERS):
        items.append(("/users", "用户管理"))
    items.append(("/check", "发前自检"))
    return items


def render(
    request: Request, name: str, context: dict[str, Any] | None = None, status: int = 200
) -> HTMLResponse:
    web = request.app.state.web
    user = getattr(request.state, "user", None)
    ctx = {
        "request": request,
        "user": user,
        "case": web.case,
        "csrf": csrf_value(request),
        "nav": nav_items(user),
        "path": request.url.path,
        "can": lambda action: roles.can(user, action),
        "check_title": lambda check_id: check_title(web.check_titles(), check_id),
        "A": roles,
        "message": None,
        "error": None,
    }
    ctx.update(context or {})
    html = request.app.state.jinja.get_template(name).render(ctx)
    return HTMLResponse(html, status_code=status)
