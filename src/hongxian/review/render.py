"""Rich rendering of queue pages, finding details, suppressions and audit entries (CLI output, Chinese)."""

from __future__ import annotations

from dataclasses import asdict
from datetime import datetime
from zoneinfo import ZoneInfo

from rich.console import Console
from rich.markup import escape
from rich.table import Table

from hongxian.labels import CATEGORY_ZH, SEVERITY_STYLE, SEVERITY_ZH, SUBJECT_ZH
from hongxian.review.audit import AuditEntry
from hongxian.review.detail import FindingDetail
from hongxian.review.queries import FindingRow, Page
from hongxian.review.status import status_label
from hongxian.review.suppress import Suppression
from hongxian.rulebook.titles import check_title, check_titles
from hongxian.schema import TZ

_LOCAL = ZoneInfo(TZ)


def ts(value: datetime | None) -> str:
    return value.astimezone(_LOCAL).strftime("%Y-%m-%d %H:%M") if value else "-"


def money(fen: int | None) -> str:
    return "-" if fen is None else f"{fen / 100:,.2f} 元"


def queue_table(page: Page[FindingRow]) -> Table:
    t = Table(title=f"审查队列 · 第 {page.page}/{page.pages} 页 · 共 {page.total} 条", show_lines=False)
    for col in ("线索编号", "严重", "得分", "类别", "标题", "对象", "时间", "状态", "版本"):
        t.add_column(col, overflow="fold")
    for r in page.items:
        subject = f"{SUBJECT_ZH.get(r.subject_kind, r.subject_kind)} {r.subject_name or r.subject_id}"
        t.add_row(
            r.finding_id,
            f"[{SEVERITY_STYLE.get(r.severity, '')}]{r.severity_label}[/]",
            f"{r.score:.2f}",
            r.category_label,
            escape(r.title),
            escape(subject),
            ts(r.window_start),
            r.status_label,
            str(r.version),
        )
    return t


def print_detail(console: Console, d: FindingDetail) -> None:
    f = d.finding
    console.rule(f"[bold]{escape(f.title)}[/]  {f.finding_id}")
    console.print(f"检查项：{escape(check_title(check_titles(), f.check_id))}  [dim]规则编号 {f.check_id}[/]")
    console.print(
        f"类别：{CATEGORY_ZH.get(f.category, f.category)}    "
        f"严重程度：{SEVERITY_ZH.get(f.severity, f.severity)}    得分：{f.score:.2f}"
    )
    console.print(
        f"对象：{SUBJECT_ZH.get(f.subject.kind, f.subject.kind)} {escape(f.subject.name or '')}"
        f"（{escape(f.subject.id)}）    状态：[bold]{d.status_label}[/]    版本：{d.version}"
    )
    if f.window:
        console.print(f"时间范围：{ts(f.window.start)} 至 {ts(f.window.end)}")
    console.print(f"说明：{escape(f.explanation)}")
    for ref in f.rule_refs:
        console.print(
            f"依据：{escape(ref.code)} {escape(ref.article)} {escape(ref.title or '')}"
            + (f"\n  处分幅度：{escape(ref.penalties)}" if ref.penalties else "")
        )
    ev = Table(title="证据" + ("（已显示未脱敏内容）" if d.revealed else "（已脱敏）"))
    for col in ("来源", "编号", "时间", "摘录", "金额"):
        ev.add_column(col, overflow="fold")
    for e in d.evidence:
        ev.add_row(e.table, e.id, ts(e.ts), escape(e.excerpt or ""), money(e.amount_fen))
    console.print(ev)
    if d.decisions:
        dt = Table(title="审查记录")
        for col in ("时间", "操作人", "原状态", "新状态", "理由/说明"):
            dt.add_column(col, overflow="fold")
        for x in d.decisions:
            dt.add_row(
                ts(x.created_at),
                "系统" if x.by_system else escape(x.actor),
                status_label(x.from_status),
                x.status_label,
                escape(x.reason),
            )
        console.print(dt)


def detail_json(d: FindingDetail) -> dict:
    return {
        "finding": d.finding.to_json_dict(),
        "status": d.status,
        "status_label": d.status_label,
        "version": d.version,
        "first_seen_run": d.first_seen_run,
        "last_seen_run": d.last_seen_run,
        "suppressed_until": d.suppressed_until,
        "revealed": d.revealed,
        "evidence": [asdict(e) for e in d.evidence],
        "decisions": [asdict(x) for x in d.decisions],
    }


def suppressions_table(rules: list[Suppression], now: datetime) -> Table:
    t = Table(title="屏蔽规则")
    for col in ("编号", "检查项", "对象", "理由", "到期", "设置人", "状态"):
        t.add_column(col, overflow="fold")
    titles = check_titles()
    for r in rules:
        state = "已撤销" if r.revoked_at else ("生效中" if r.active(now) else "已到期")
        subject = f"{r.subject_kind or ''}:{r.subject_id}" if r.subject_id else "全部"
        t.add_row(
            str(r.id),
            f"{check_title(titles, r.check_id)}（{r.check_id}）",
            escape(subject),
            escape(r.reason),
            ts(r.expires_at),
            escape(r.created_by),
            state,
        )
    return t


def audit_table(page: Page[AuditEntry]) -> Table:
    t = Table(title=f"审计日志 · 第 {page.page}/{page.pages} 页 · 共 {page.total} 条")
    for col in ("序号", "时间", "操作人", "操作", "对象", "详情"):
        t.add_column(col, overflow="fold")
    for e in page.items:
        detail = "；".join(f"{k}={v}" for k, v in e.detail.items())
        t.add_row(str(e.id), ts(e.ts), escape(e.actor), e.action_label, escape(e.target), escape(detail))
    return t
