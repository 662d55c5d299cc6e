"""The report's content as display-ready rows, shared by the HTML/PDF and XLSX renderers.

Everything here is already formatted (Chinese labels, 元 with two decimals, Beijing time) and
every piece of free text has gone through the masking function.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from zoneinfo import ZoneInfo

from hongxian.labels import CATEGORY_ZH, SEVERITY_ZH, SUBJECT_ZH, TABLE_ZH
from hongxian.report.crops import Crops
from hongxian.report.dossiers import DossierView, report_dossiers
from hongxian.report.inputs import STATUSES, ReportFinding, ReportInput
from hongxian.report.masking import make_masker
from hongxian.report.money import MoneyFlows, money_flows
from hongxian.review.casedata import CaseFacts, PaymentFact
from hongxian.rulebook.titles import check_title, check_titles
from hongxian.schema import CATEGORIES, SEVERITIES, TZ, Evidence, Finding, RuleRef, Subject

UNVERIFIED = "（条号待核）"
TABLE_KEY = {v: k for k, v in TABLE_ZH.items()}  # evidence rows hold the Chinese table name
_TZ = ZoneInfo(TZ)


def fmt_yuan(fen: int | None) -> str:
    """Integer fen as 元 with thousands separators and two decimals: 123456 → '1,234.56'."""
    if fen is None:
        return ""
    sign = "-" if fen < 0 else ""
    fen = abs(int(fen))
    return f"{sign}{fen // 100:,}.{fen % 100:02d}"


def local_time(dt: datetime | None) -> datetime | None:
    if dt is None:
        return None
    return dt.replace(tzinfo=_TZ) if dt.tzinfo is None else dt.astimezone(_TZ)


def fmt_ts(dt: datetime | None, seconds: bool = False) -> str:
    t = local_time(dt)
    if t is None:
        return ""
    return t.strftime("%Y-%m-%d %H:%M:%S" if seconds else "%Y-%m-%d %H:%M")


def article_text(ref: RuleRef) -> str:
    if not ref.article:
        return UNVERIFIED
    if ref.verified or UNVERIFIED in ref.article:  # the rulebook may have marked it already
        return ref.article
    return f"{ref.article}{UNVERIFIED}"


@dataclass
class EvidenceRow:
    finding_id: str
    table: str
    id: str
    ts: datetime | None
    time: str
    excerpt: str
    amount_fen: int | None
    amount: str
    note: str
    parties: str = ""  # payer → payee, or the sender (names as in people.csv)
    chat: str = ""
    source: str = ""  # file and transaction / message id
    crop: str = ""
    """PNG data URI of the image region where OCR found the text (pixelated for personal data)."""


@dataclass
class RuleRow:
    code: str
    article: str
    title: str
    penalties: str
    verified: bool


@dataclass
class DecisionRow:
    finding_id: str
    status: str
    user: str
    at: datetime | None
    time: str
    reason: str


@dataclass
class FindingView:
    id: str
    check_id: str  # the technical id: a muted 规则编号 for developers only
    check_title: str  # what users see: the check's Chinese title
    category: str
    category_zh: str
    title: str
    subject: str
    severity: str
    severity_zh: str
    score: str
    status: str
    window: str
    explanation: str
    suggestion: str
    evidence: list[EvidenceRow]
    rules: list[RuleRow]
    decisions: list[DecisionRow]


@dataclass
class CategorySection:
    category: str
    name: str
    findings: list[FindingView]


@dataclass
class RuleIndexRow:
    rule: RuleRow
    checks: list[str]
    count: int


@dataclass
class ReportView:
    summary: list[tuple[str, str]]
    sources: list[dict]
    total: int
    by_category: list[tuple[str, int]]
    by_severity: list[tuple[str, int]]
    by_status: list[tuple[str, int]]
    sections: list[CategorySection]
    rule_index: list[RuleIndexRow]
    money: MoneyFlows
    title: str
    mask: Callable[[str | None], str] = field(repr=False)
    dossiers: list[DossierView] = field(default_factory=list)
    suppressed: str = ""

    @property
    def numbers(self) -> dict[str, int]:
        """Finding id → its number in the report (sections in order), as dossiers cite it."""
        return {f.id: i for i, f in enumerate(self.findings, start=1)}

    @property
    def findings(self) -> list[FindingView]:
        return [f for s in self.sections for f in s.findings]


def subject_text(s: Subject, mask: Callable[[str | None], str]) -> str:
    kind = SUBJECT_ZH.get(s.kind, s.kind)
    return f"{mask(s.name)}（{kind} {s.id}）" if s.name else f"{kind} {s.id}"


def _window_text(f: Finding) -> str:
    w = f.window
    if w is None or (w.start is None and w.end is None):
        return ""
    return f"{fmt_ts(w.start)} 至 {fmt_ts(w.end)}"


def _rule_row(ref: RuleRef, mask) -> RuleRow:
    return RuleRow(mask(ref.code), article_text(ref), mask(ref.title), mask(ref.penalties), ref.verified)


def finding_view(
    rf: ReportFinding,
    mask: Callable[[str | None], str],
    crops: Callable[[Evidence, str], str] | None = None,
    titles: dict[str, str] | None = None,
) -> FindingView:
    f = rf.finding
    evidence = [
        EvidenceRow(
            f.finding_id,
            TABLE_ZH.get(e.table, e.table),
            e.id,
            local_time(e.ts),
            fmt_ts(e.ts, True),
            mask(e.excerpt),
            e.amount_fen,
            fmt_yuan(e.amount_fen),
            mask(e.note),
            crop=crops(e, f.category) if crops else "",
        )
        for e in f.evidence
    ]
    decisions = [
        DecisionRow(
            f.finding_id, d.status, mask(d.user), local_time(d.at), fmt_ts(d.at, True), mask(d.reason)
        )
        for d in rf.decisions
    ]
    return FindingView(
        id=f.finding_id,
        check_id=f.check_id,
        check_title=check_title(titles or {}, f.check_id),
        category=f.category,
        category_zh=CATEGORY_ZH[f.category],
        title=mask(f.title),
        subject=subject_text(f.subject, mask),
        severity=f.severity,
        severity_zh=SEVERITY_ZH[f.severity],
        score=f"{f.score:.2f}",
        status=rf.status,
        window=_window_text(f),
        explanation=mask(f.explanation),
        suggestion=mask(f.suggestion),
        evidence=evidence,
        rules=[_rule_row(r, mask) for r in f.rule_refs],
        decisions=decisions,
    )


def _sections(findings: list[ReportFinding], mask, crops=None, titles=None) -> list[CategorySection]:
    order = {s: i for i, s in enumerate(SEVERITIES)}
    sections = []
    for cat in CATEGORIES:
        rfs = [rf for rf in findings if rf.finding.category == cat]
        if not rfs:
            continue
        rfs.sort(key=lambda rf: (-order[rf.finding.severity], -rf.finding.score, rf.finding.finding_id))
        views = [finding_view(rf, mask, crops, titles) for rf in rfs]
        sections.append(CategorySection(cat, CATEGORY_ZH[cat], views))
    return sections


def _rule_index(sections: list[CategorySection]) -> list[RuleIndexRow]:
    index: dict[tuple[str, str, str], RuleIndexRow] = {}
    for f in (f for s in sections for f in s.findings):
        for r in f.rules:
            row = index.setdefault((r.code, r.article, r.title), RuleIndexRow(r, [], 0))
            row.count += 1
            if f.check_id not in row.checks:
                row.checks.append(f.check_id)
    return sorted(index.values(), key=lambda r: (r.rule.code, r.rule.article))


def _summary(inp: ReportInput, mask, titles: dict[str, str]) -> list[tuple[str, str]]:
    c, a = inp.case, inp.case.authorisation
    scope = "全部数据"
    if c.scope.start or c.scope.end:
        start = c.scope.start.isoformat() if c.scope.start else "不限"
        end = c.scope.end.isoformat() if c.scope.end else "不限"
        scope = f"{start} 至 {end}"
    person = "全部人员"
    if inp.person:
        name = inp.person_name(inp.person)
        person = f"{mask(name)}（人员编号 {inp.person}）" if name else f"人员编号 {inp.person}"
    rows = [
        ("案件编号", c.case.id),
        ("案件名称", mask(c.case.title) or "—"),
        ("授权依据", a.basis),
        ("审批单位", mask(a.approved_by)),
        ("审批日期", a.approved_on.isoformat()),
        ("立案/审批文号", mask(a.case_number) or "—"),
        ("筛查范围", scope),
        ("报告对象", person),
        ("规则库版本", inp.rulebook_version or "未记录"),
        ("发现来源", inp.origin),
        ("生成时间", fmt_ts(inp.generated_at, True)),
    ]
    if inp.suppressed:
        rows.append(("已屏蔽（未列入）", suppressed_text(inp, mask, titles)))
    return rows


def suppressed_text(inp: ReportInput, mask, titles: dict[str, str] | None = None) -> str:
    """另有 N 项已屏蔽，理由…: what suppression keeps out of the report, rule by rule (checks by title)."""
    total = sum(s.findings for s in inp.suppressed)
    parts = []
    for s in inp.suppressed:
        scope = f"（对象 {mask(s.subject)}）" if s.subject else "（全部对象）"
        name = check_title(titles or {}, s.check_id)
        parts.append(
            f"检查项“{name}”{scope} {s.findings} 项，理由“{mask(s.reason)}”，"
            f"{mask(s.by)} 设置，至 {fmt_ts(s.until)}"
        )
    return f"另有 {total} 项已屏蔽，未列入本报告：" + "；".join(parts)


def _counts(findings: list[ReportFinding]):
    cats = Counter(rf.finding.category for rf in findings)
    sevs = Counter(rf.finding.severity for rf in findings)
    stats = Counter(rf.status for rf in findings)
    by_category = [(CATEGORY_ZH[c], cats[c]) for c in CATEGORIES if cats[c]]
    by_severity = [(SEVERITY_ZH[s], sevs[s]) for s in reversed(SEVERITIES)]
    extra = sorted(s for s in stats if s not in STATUSES)
    by_status = [(s, stats[s]) for s in (*STATUSES, *extra)]
    return by_category, by_severity, by_status


def _source_rows(inp: ReportInput, mask) -> list[dict]:
    return [
        {
            "path": mask(s.get("path")),
            "format": s.get("format") or "",
            "rows_ok": s.get("rows_ok") or 0,
            "rows_rejected": s.get("rows_rejected") or 0,
            "owner": mask(s.get("owner_person") or s.get("owner_account")) or "未知",
            "ingested_at": fmt_ts(s.get("ingested_at")),
        }
        for s in inp.sources
    ]


def _attach_facts(inp: ReportInput, sections: list[CategorySection], mask) -> None:
    """Who paid whom, chat and source of every payment/message evidence row, from the case data."""
    rows = [e for sec in sections for f in sec.findings for e in f.evidence]
    keys = {(TABLE_KEY.get(e.table, e.table), e.id) for e in rows}
    sources = {s.get("source_id") or "": s.get("path") or "" for s in inp.sources}
    facts = CaseFacts(inp.dataset, sources).evidence(keys, context=0)
    for e in rows:
        fact = facts.get((TABLE_KEY.get(e.table, e.table), e.id))
        if fact is None:
            continue
        who = f"{fact.payer} → {fact.payee}" if isinstance(fact, PaymentFact) else fact.sender
        e.parties, e.chat, e.source = (
            mask(who),
            mask(fact.chat),
            mask(f"{fact.source} {fact.row_ref}".strip()),
        )


def build_view(inp: ReportInput) -> ReportView:
    """Filter by person, mask, format: the whole report content."""
    inp = inp.filtered()
    mask = make_masker(inp.mask_personal_data)
    titles = check_titles()
    sections = _sections(inp.findings, mask, Crops(inp.case_dir, inp.dataset), titles)
    by_category, by_severity, by_status = _counts(inp.findings)
    money = money_flows(inp)
    money.labels = {k: mask(v) for k, v in money.labels.items()}
    for flow in money.flows:
        flow.memo = mask(flow.memo)
    title = f"违规线索筛查报告 · {inp.case.case.id}"
    order = [f.id for sec in sections for f in sec.findings]
    _attach_facts(inp, sections, mask)
    return ReportView(
        summary=_summary(inp, mask, titles),
        sources=_source_rows(inp, mask),
        total=len(inp.findings),
        by_category=by_category,
        by_severity=by_severity,
        by_status=by_status,
        sections=sections,
        rule_index=_rule_index(sections),
        money=money,
        title=title,
        mask=mask,
        dossiers=report_dossiers(inp, order, mask, fmt_ts, fmt_yuan),
        suppressed=suppressed_text(inp, mask, titles) if inp.suppressed else "",
    )
