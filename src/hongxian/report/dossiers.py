"""Dossier section of the reports (人员画像/线索档案): one block per subject, leading the report.

Built by `hongxian.review.dossier.build_dossiers` from the report's findings and the case data, then
formatted and masked like every other piece of report text.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from hongxian.labels import CATEGORY_ZH, SEVERITY_ZH, SUBJECT_ZH, TABLE_ZH
from hongxian.report.inputs import ReportInput
from hongxian.review.casedata import CaseFacts, PaymentFact
from hongxian.review.dossier import Dossier, DossierRow, build_dossiers

MAX_TIMELINE_ROWS = 60


@dataclass
class DossierLine:
    time: str
    table: str
    parties: str
    chat: str
    text: str
    amount: str
    amount_fen: int | None
    cited: str  # finding numbers in this report, e.g. "1、3"
    shared: bool
    source: str


@dataclass
class DossierView:
    key: str
    name: str
    kind: str
    severity: str
    categories: str
    findings: list[tuple[str, str, str]]  # (finding id, title, status)
    rows: int
    citations: int
    money_fen: int
    cited_money_fen: int
    money_in: int
    money_out: int
    span: str
    links: list[str]
    timeline: list[DossierLine]


def _line(r: DossierRow, nums: dict[str, int], mask, fmt_ts, fmt_yuan) -> DossierLine:
    f = r.fact
    parties = chat = source = ""
    text = r.excerpt
    if f is not None:
        chat, source = f.chat, f"{f.source} {f.row_ref}".strip()
        if isinstance(f, PaymentFact):
            parties, text = f"{f.payer} → {f.payee}", f.memo or r.excerpt
        else:
            parties = f.sender
    return DossierLine(
        time=fmt_ts(r.ts),
        table=TABLE_ZH.get(r.table, r.table),
        parties=mask(parties),
        chat=mask(chat),
        text=mask(text),
        amount=fmt_yuan(r.amount_fen),
        amount_fen=r.amount_fen,
        cited="、".join(str(nums[x]) for x in r.cited_by if x in nums),
        shared=len(r.cited_by) > 1,
        source=mask(source),
    )


def _ref(fid: str, nums: dict[str, int], titles: dict[str, str]) -> str:
    return f"第 {nums.get(fid, '?')} 条“{titles.get(fid, fid)}”"


def dossier_view(
    d: Dossier, nums: dict[str, int], mask: Callable[[str | None], str], fmt_ts, fmt_yuan
) -> DossierView:
    titles = {f.id: mask(f.finding.title) for f in d.findings}
    money = d.money_by_direction()
    start, end = d.span
    return DossierView(
        key=d.key,
        name=mask(d.name),
        kind=SUBJECT_ZH.get(d.kind, d.kind),
        severity=SEVERITY_ZH.get(d.severity, d.severity),
        categories="、".join(CATEGORY_ZH.get(c, c) for c in d.categories),
        findings=[(f.id, titles[f.id], f.status) for f in d.findings],
        rows=len(d.rows),
        citations=d.citations,
        money_fen=d.money_fen,
        cited_money_fen=d.cited_money_fen,
        money_in=money["in"],
        money_out=money["out"],
        span=f"{fmt_ts(start)} 至 {fmt_ts(end)}" if start else "",
        links=[
            f"{_ref(x.a, nums, titles)}与{_ref(x.b, nums, titles)}共用 {x.shared} 行证据" for x in d.links
        ],
        timeline=[_line(r, nums, mask, fmt_ts, fmt_yuan) for r in d.timeline()],
    )


def report_dossiers(inp: ReportInput, order: list[str], mask, fmt_ts, fmt_yuan) -> list[DossierView]:
    """Dossiers of the (already filtered) report input; ``order`` numbers findings as the report does."""
    sources = {s.get("source_id") or "": s.get("path") or "" for s in inp.sources}
    facts = CaseFacts(inp.dataset, sources)
    nums = {fid: i for i, fid in enumerate(order, start=1)}
    found = build_dossiers(((rf.finding, rf.status) for rf in inp.findings), facts)
    return [dossier_view(d, nums, mask, fmt_ts, fmt_yuan) for d in found]
