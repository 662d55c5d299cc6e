"""HTML report (zh-CN, print-friendly), rendered with Jinja2 with autoescaping on.

Charts are embedded as ``data:`` SVG images: the file is self-contained, and a chart image can
never run script in the page.
"""

from __future__ import annotations

import base64
from dataclasses import dataclass
from pathlib import Path

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape

from hongxian.report.charts import Chart, network_figure, render, timeline_figure
from hongxian.report.inputs import ReportInput
from hongxian.report.money import name_only
from hongxian.report.view import ReportView, build_view, fmt_ts, fmt_yuan
from hongxian.textsafe import finalize_for_display

MAX_EVIDENCE_ROWS = 100
MAX_COUNTERPARTY_ROWS = 30
_CN_DIGITS = "零一二三四五六七八九"


def cn_num(n: int) -> str:
    """1 → 一, 12 → 十二, 25 → 二十五 (section numbers up to 99)."""
    if n < 10:
        return _CN_DIGITS[n]
    tens, ones = divmod(n, 10)
    head = "" if tens == 1 else _CN_DIGITS[tens]
    return f"{head}十{_CN_DIGITS[ones] if ones else ''}"


def jinja_env() -> Environment:
    env = Environment(
        loader=PackageLoader("hongxian.report", "templates"),
        autoescape=select_autoescape(default=True, default_for_string=True),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        finalize=finalize_for_display,  # bidi controls shown as visible marks (issue 13 item 14)
    )
    env.globals["cn_num"] = cn_num
    env.globals["yuan"] = fmt_yuan
    return env


@dataclass
class EmbeddedChart:
    title: str
    uri: str


def make_charts(view: ReportView) -> list[Chart]:
    return [
        render(timeline_figure(view.money), "图 1　资金往来时间线（单位：元）"),
        render(network_figure(view.money), "图 2　资金往来对象关系图"),
    ]


def _svg_uri(chart: Chart) -> str:
    return "data:image/svg+xml;base64," + base64.b64encode(chart.svg.encode("utf-8")).decode("ascii")


def _counterparty_rows(view: ReportView) -> list[dict]:
    return [
        {
            "label": c.label,
            "account": "（仅有名称，未识别账户）" if name_only(c.account) else view.mask(c.account),
            "count": c.count,
            "in_yuan": fmt_yuan(c.in_fen),
            "out_yuan": fmt_yuan(c.out_fen),
        }
        for c in view.money.counterparties()[:MAX_COUNTERPARTY_ROWS]
    ]


def render_view_html(
    view: ReportView, charts: list[Chart], case_title: str, case_id: str, generated: str
) -> str:
    template = jinja_env().get_template("report.html.j2")
    money = view.money
    return template.render(
        v=view,
        case_title=case_title,
        case_id=case_id,
        generated=generated,
        charts=[EmbeddedChart(c.title, _svg_uri(c)) for c in charts],
        subjects="、".join(
            f"{money.label(a)}（{view.mask(a)}）" if money.label(a) != a else view.mask(a)
            for a in money.subjects
        ),
        total_in=fmt_yuan(money.total_in),
        total_out=fmt_yuan(money.total_out),
        counterparties=_counterparty_rows(view),
        max_evidence=MAX_EVIDENCE_ROWS,
    )


def render_html(inp: ReportInput) -> str:
    """The whole report as one self-contained HTML document."""
    view = build_view(inp)
    return render_view_html(
        view,
        make_charts(view),
        view.mask(inp.case.case.title) or inp.case.case.id,
        inp.case.case.id,
        fmt_ts(inp.generated_at, True),
    )


def write_html(inp: ReportInput, out: Path) -> Path:
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(render_html(inp), encoding="utf-8")
    return out
