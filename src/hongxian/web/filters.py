"""Query-string → `FindingFilter`, sort and page (shared by the triage page and the JSON API)."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlencode

from starlette.datastructures import QueryParams

from hongxian.review.errors import ReviewInputError
from hongxian.review.queries import MAX_PER_PAGE, SORTS, FindingFilter

DEFAULT_PER_PAGE = 50
LIST_FIELDS = ("category", "severity", "status")


@dataclass(frozen=True)
class TriageQuery:
    filters: FindingFilter
    sort: str
    page: int
    per_page: int
    params: dict[str, list[str]]
    """The non-empty query parameters, to rebuild links (pagination, sorting)."""

    def url(self, path: str = "/findings", **changes) -> str:
        params = {k: list(v) for k, v in self.params.items()}
        for key, value in changes.items():
            params[key] = [str(value)] if value not in (None, "") else []
        pairs = [(k, v) for k, values in params.items() for v in values if v != ""]
        return path + ("?" + urlencode(pairs) if pairs else "")

    def selected(self, field: str) -> list[str]:
        return self.params.get(field, [])


def _int(value: str | None, default: int, label: str) -> int:
    if value in (None, ""):
        return default
    try:
        return int(value)
    except ValueError:
        raise ReviewInputError(f"{label}必须是整数") from None


def parse_query(query: QueryParams, max_per_page: int = MAX_PER_PAGE) -> TriageQuery:
    """Filters from ``category``/``severity``/``status`` (repeatable), ``person``, ``check``, ``q``,
    ``suppressed=1``, ``sort``, ``page`` and ``per_page``."""
    lists = {f: [v.strip() for v in query.getlist(f) if v.strip()] for f in LIST_FIELDS}
    single = {f: (query.get(f) or "").strip() for f in ("person", "check", "q", "suppressed")}
    sort = (query.get("sort") or "severity").strip()
    if sort not in SORTS:
        raise ReviewInputError(f"未知排序“{sort}”")
    page = _int(query.get("page"), 1, "页码")
    per_page = _int(query.get("per_page"), DEFAULT_PER_PAGE, "每页条数")
    if page < 1 or not 1 <= per_page <= max_per_page:
        raise ReviewInputError(f"页码须 ≥ 1，每页条数须在 1–{max_per_page} 之间")
    flt = FindingFilter(
        category=tuple(lists["category"]),
        severity=tuple(lists["severity"]),
        status=tuple(lists["status"]),
        person=single["person"] or None,
        check_id=single["check"] or None,
        q=single["q"] or None,
        include_suppressed=single["suppressed"] == "1",
    )
    params = {**{k: v for k, v in lists.items() if v}, **{k: [v] for k, v in single.items() if v}}
    if sort != "severity":
        params["sort"] = [sort]
    if per_page != DEFAULT_PER_PAGE:
        params["per_page"] = [str(per_page)]
    return TriageQuery(flt, sort, page, per_page, params)
