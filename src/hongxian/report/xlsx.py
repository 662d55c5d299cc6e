"""XLSX report (xlsxwriter): 摘要 / 发现 / 证据 / 规则引用 / 审查记录 / 资金往来.

Every sheet has a frozen, filterable Chinese header row and set column widths; amounts are
numbers in 元 with a two-decimal format; times are real Excel date-times (Beijing time). Text is
always written with ``write_string``, so hostile text such as ``=HYPERLINK(...)`` stays text.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import xlsxwriter

from hongxian.labels import DIRECTION_ZH, PAYMENT_KIND_ZH
from hongxian.report.charts import Chart
from hongxian.report.html import make_charts
from hongxian.report.inputs import ReportInput
from hongxian.report.view import ReportView, build_view, local_time
from hongxian.textsafe import visible_bidi


@dataclass(frozen=True)
class Col:
    name: str
    width: float
    kind: str = "text"  # text | wrap | money | int | float | datetime


class _Formats:
    def __init__(self, wb: xlsxwriter.Workbook):
        base = {"font_name": "Microsoft YaHei", "font_size": 10, "valign": "top"}
        self.header = wb.add_format(
            base | {"bold": True, "bg_color": "#F2ECEA", "border": 1, "text_wrap": True}
        )
        self.text = wb.add_format(base)
        self.wrap = wb.add_format(base | {"text_wrap": True})
        self.money = wb.add_format(base | {"num_format": "#,##0.00"})
        self.int = wb.add_format(base | {"num_format": "0"})
        self.float = wb.add_format(base | {"num_format": "0.00"})
        self.datetime = wb.add_format(base | {"num_format": "yyyy-mm-dd hh:mm:ss"})
        self.title = wb.add_format(base | {"bold": True, "font_size": 14})
        self.key = wb.add_format(base | {"bold": True, "font_color": "#555555"})
        self.total = wb.add_format(base | {"bold": True, "num_format": "#,##0.00", "top": 1})
        self.total_label = wb.add_format(base | {"bold": True, "top": 1})


def _naive(dt: datetime | None) -> datetime | None:
    t = local_time(dt)
    return None if t is None else t.replace(tzinfo=None)


def _write_cell(ws, row: int, col: int, value, kind: str, fmt: _Formats) -> None:
    if value is None or value == "":
        ws.write_blank(row, col, None, fmt.text)
    elif kind == "money":
        ws.write_number(row, col, int(value) / 100, fmt.money)
    elif kind in ("int", "float"):
        ws.write_number(row, col, value, getattr(fmt, kind))
    elif kind == "datetime":
        ws.write_datetime(row, col, _naive(value), fmt.datetime)
    else:
        ws.write_string(row, col, visible_bidi(str(value)), fmt.wrap if kind == "wrap" else fmt.text)


def write_table(ws, cols: list[Col], rows: list[list], fmt: _Formats, first_row: int = 0) -> int:
    """Header + rows with widths, frozen header and autofilter; returns the next free row."""
    for c, col in enumerate(cols):
        ws.write_string(first_row, c, col.name, fmt.header)
        ws.set_column(c, c, col.width)
    for r, values in enumerate(rows, start=first_row + 1):
        for c, (col, value) in enumerate(zip(cols, values, strict=True)):
            _write_cell(ws, r, c, value, col.kind, fmt)
    ws.freeze_panes(first_row + 1, 0)
    ws.autofilter(first_row, 0, first_row + max(len(rows), 1), len(cols) - 1)
    return first_row + len(rows) + 1


def _summary_sheet(wb, view: ReportView, fmt: _Formats) -> None:
    ws = wb.add_worksheet("摘要")
    ws.set_column(0, 0, 16)
    ws.set_column(1, 1, 60)
    ws.write_string(0, 0, "项目", fmt.header)
    ws.write_string(0, 1, "内容", fmt.header)
    ws.freeze_panes(1, 0)
    row = 1
    for key, value in [*view.summary, ("发现总数", str(view.total))]:
        ws.write_string(row, 0, key, fmt.key)
        ws.write_string(row, 1, value, fmt.wrap)
        row += 1
    for title, pairs in (
        ("按类别", view.by_category),
        ("按严重程度", view.by_severity),
        ("按审查状态", view.by_status),
    ):
        row += 1
        ws.write_string(row, 0, title, fmt.header)
        ws.write_string(row, 1, "条数", fmt.header)
        for name, n in pairs:
            row += 1
            ws.write_string(row, 0, name, fmt.text)
            ws.write_number(row, 1, n, fmt.int)
        row += 1
    row += 1
    ws.write_string(row, 0, "已导入数据源", fmt.title)
    row += 1
    for s in view.sources:
        ws.write_string(row, 0, s["owner"], fmt.text)
        ws.write_string(
            row,
            1,
            f"{s['path']}（{s['format']}，成功 {s['rows_ok']} 行，拒绝 {s['rows_rejected']} 行）",
            fmt.wrap,
        )
        row += 1


def _findings_sheet(wb, view: ReportView, fmt: _Formats) -> None:
    cols = [
        Col("序号", 6, "int"),
        Col("发现编号", 22),
        Col("类别", 14),
        Col("标题", 36, "wrap"),
        Col("对象", 24, "wrap"),
        Col("严重程度", 9),
        Col("得分（0–1）", 9, "float"),
        Col("审查状态", 9),
        Col("时间范围", 34),
        Col("说明", 60, "wrap"),
        Col("建议", 36, "wrap"),
        Col("检查项", 28, "wrap"),
        Col("证据条数", 9, "int"),
        Col("证据金额合计（元）", 16, "money"),
        Col("规则编号", 28),
    ]
    rows = []
    for i, f in enumerate(view.findings, start=1):
        amount = sum(e.amount_fen or 0 for e in f.evidence)
        rows.append(
            [
                i,
                f.id,
                f.category_zh,
                f.title,
                f.subject,
                f.severity_zh,
                float(f.score),
                f.status,
                f.window,
                f.explanation,
                f.suggestion,
                f.check_title,
                len(f.evidence),
                amount if amount else None,
                f.check_id,
            ]
        )
    write_table(wb.add_worksheet("发现"), cols, rows, fmt)


def _evidence_sheet(wb, view: ReportView, fmt: _Formats) -> None:
    cols = [
        Col("发现编号", 22),
        Col("发现标题", 30, "wrap"),
        Col("类型", 10),
        Col("记录编号", 24),
        Col("时间", 20, "datetime"),
        Col("摘录", 60, "wrap"),
        Col("金额（元）", 14, "money"),
        Col("备注", 24, "wrap"),
        Col("付款方 → 收款方 / 发送人", 26, "wrap"),
        Col("聊天/群", 20, "wrap"),
        Col("出处（文件、行/消息编号）", 40, "wrap"),
    ]
    rows = [
        [
            e.finding_id,
            f.title,
            e.table,
            e.id,
            e.ts,
            e.excerpt,
            e.amount_fen,
            e.note,
            e.parties,
            e.chat,
            e.source,
        ]
        for f in view.findings
        for e in f.evidence
    ]
    write_table(wb.add_worksheet("证据"), cols, rows, fmt)


def _dossier_sheet(wb, view: ReportView, fmt: _Formats) -> None:
    """One block of rows per subject: its totals, then its de-duplicated evidence timeline."""
    cols = [
        Col("对象", 16),
        Col("最高严重程度", 10),
        Col("发现（报告编号）", 22, "wrap"),
        Col("时间", 18),
        Col("类型", 9),
        Col("付款方 → 收款方 / 发送人", 26, "wrap"),
        Col("聊天/群", 20, "wrap"),
        Col("内容", 36, "wrap"),
        Col("出处（文件、行/消息编号）", 40, "wrap"),
        Col("金额（元）", 14, "money"),
        Col("引用发现编号", 12),
        Col("多条发现共用", 10),
    ]
    nums = view.numbers
    rows: list[list] = []
    for d in view.dossiers:
        found = "、".join(str(nums.get(fid, "?")) for fid, _, _ in d.findings)
        summary = (
            f"去重证据 {d.rows} 行（引用 {d.citations} 次）；去重金额 {d.money_fen / 100:,.2f} 元"
            f"（直接相加 {d.cited_money_fen / 100:,.2f} 元）"
        )
        rows.append(
            [
                f"{d.name}（{d.key}）",
                d.severity,
                found,
                None,
                "合计",
                "",
                "",
                summary,
                "",
                d.money_fen,
                "",
                "",
            ]
        )
        rows += [
            [
                d.name,
                "",
                "",
                r.time,
                r.table,
                r.parties,
                r.chat,
                r.text,
                r.source,
                r.amount_fen,
                r.cited,
                "是" if r.shared else "",
            ]
            for r in d.timeline
        ]
    write_table(wb.add_worksheet("人员画像"), cols, rows, fmt)


def _rules_sheet(wb, view: ReportView, fmt: _Formats) -> None:
    cols = [
        Col("发现编号", 22),
        Col("检查项", 28),
        Col("规范", 36, "wrap"),
        Col("条款", 18),
        Col("标题", 24, "wrap"),
        Col("处分幅度", 60, "wrap"),
        Col("条号已核对", 10),
    ]
    rows = [
        [
            f.id,
            f.check_title,
            r.code,
            r.article,
            r.title,
            r.penalties,
            "是" if r.verified else "否（条号待核）",
        ]
        for f in view.findings
        for r in f.rules
    ]
    write_table(wb.add_worksheet("规则引用"), cols, rows, fmt)


def _decisions_sheet(wb, view: ReportView, fmt: _Formats) -> None:
    cols = [
        Col("发现编号", 22),
        Col("发现标题", 30, "wrap"),
        Col("当前状态", 9),
        Col("结论", 9),
        Col("审查人", 14),
        Col("时间", 20, "datetime"),
        Col("理由", 50, "wrap"),
    ]
    rows: list[list] = []
    for f in view.findings:
        if not f.decisions:
            rows.append([f.id, f.title, f.status, None, None, None, "尚未审查"])
        rows += [[f.id, f.title, f.status, d.status, d.user, d.at, d.reason] for d in f.decisions]
    write_table(wb.add_worksheet("审查记录"), cols, rows, fmt)


def _money_sheet(wb, view: ReportView, fmt: _Formats, charts: list[Chart]) -> None:
    ws = wb.add_worksheet("资金往来")
    m = view.money
    cols = [
        Col("时间", 20, "datetime"),
        Col("方向", 7),
        Col("类型", 10),
        Col("报告对象", 14),
        Col("报告对象账户", 20),
        Col("对方", 16),
        Col("对方账户", 22),
        Col("金额（元）", 14, "money"),
        Col("备注", 30, "wrap"),
        Col("支付记录编号", 24),
    ]
    rows = [
        [
            f.ts,
            DIRECTION_ZH[f.direction],
            PAYMENT_KIND_ZH.get(f.kind, f.kind),
            m.label(f.subject_account),
            f.subject_account,
            m.label(f.counterparty),
            view.mask(f.counterparty),
            f.amount_fen,
            f.memo,
            f.payment_id,
        ]
        for f in m.flows
    ]
    end = write_table(ws, cols, rows, fmt)
    for label, fen in (("收入合计", m.total_in), ("支出合计", m.total_out)):
        end += 1
        ws.write_string(end, 6, label, fmt.total_label)
        ws.write_number(end, 7, fen / 100, fmt.total)
    end += 1
    ws.write_string(
        end, 0, f"涉及报告对象账户的支付记录共 {m.considered} 笔，计入 {len(m.flows)} 笔", fmt.total_label
    )
    for x in m.left_out:  # what the flows leave out, and why (nothing is dropped silently)
        end += 1
        ws.write_string(end, 0, f"未计入：{x.reason_zh}", fmt.total_label)
        ws.write_string(end, 6, f"{x.count} 笔", fmt.total_label)
        ws.write_number(end, 7, x.amount_fen / 100, fmt.total)
    col = len(cols) + 1
    for i, chart in enumerate(charts):
        ws.insert_image(
            1 + i * 36,
            col,
            f"chart{i + 1}.png",
            {
                "image_data": io.BytesIO(chart.png),
                "x_scale": 0.55,
                "y_scale": 0.55,
                "description": chart.title,
            },
        )


def render_xlsx(inp: ReportInput) -> bytes:
    """The report as XLSX bytes."""
    view = build_view(inp)
    buf = io.BytesIO()
    wb = xlsxwriter.Workbook(buf, {"in_memory": True, "strings_to_formulas": False, "strings_to_urls": False})
    wb.set_properties(
        {
            "title": view.title,
            "subject": "微信使用合规筛查报告",
            "author": "hongxian",
            "created": _naive(inp.generated_at),
        }
    )
    fmt = _Formats(wb)
    _summary_sheet(wb, view, fmt)
    _dossier_sheet(wb, view, fmt)
    _findings_sheet(wb, view, fmt)
    _evidence_sheet(wb, view, fmt)
    _rules_sheet(wb, view, fmt)
    _decisions_sheet(wb, view, fmt)
    _money_sheet(wb, view, fmt, make_charts(view))
    wb.close()
    return buf.getvalue()


def write_xlsx(inp: ReportInput, out: Path) -> Path:
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_bytes(render_xlsx(inp))
    return out
