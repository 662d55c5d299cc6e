"""Charts: the money-flow timeline and the counterparty network, rendered with matplotlib.

Figures are built with the object API (`matplotlib.figure.Figure`, no pyplot state) using
the Noto Sans CJK font from Debian ``fonts-noto-cjk``. SVG output draws glyphs as paths, so
the chart shows Chinese text in any viewer without the font installed there.
"""

from __future__ import annotations

import io
import math
import os
from functools import cached_property
from pathlib import Path
from typing import Any

import matplotlib
from matplotlib import font_manager
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import FancyArrowPatch
from matplotlib.typing import RcKeyType

from hongxian.report.inputs import ReportError
from hongxian.report.money import MoneyFlows
from hongxian.report.view import fmt_yuan

CJK_FAMILIES = ("Noto Sans CJK SC", "Noto Serif CJK SC", "Noto Sans CJK JP", "Noto Serif CJK JP")
FONT_DIRS = ("/usr/share/fonts/opentype/noto", "/usr/share/fonts/truetype/noto", "/usr/share/fonts")
IN_COLOR, OUT_COLOR, SUBJECT_COLOR, OTHER_COLOR = "#b03a2e", "#2e6da4", "#7b241c", "#5d6d7e"
MAX_COUNTERPARTIES = 24
_RC: dict[RcKeyType, Any] = {"svg.fonttype": "path", "svg.hashsalt": "hongxian", "axes.unicode_minus": False}


class Chart:
    """A chart, rendered on first use to SVG (HTML/PDF) or PNG (XLSX)."""

    def __init__(self, fig: Figure, title: str):
        self.fig = fig
        self.title = title

    def _save(self, buf, fmt: str, **kw) -> None:
        with matplotlib.rc_context(_RC):
            self.fig.savefig(buf, format=fmt, **kw)

    @cached_property
    def svg(self) -> str:
        buf = io.StringIO()
        self._save(buf, "svg", metadata={"Date": None})
        return buf.getvalue()

    @cached_property
    def png(self) -> bytes:
        buf = io.BytesIO()
        self._save(buf, "png", dpi=150, metadata={"Software": None})
        return buf.getvalue()


FONT_ENV = "HONGXIAN_CJK_FONT"
MISSING_FONT = "未找到中文字体（Noto Sans CJK）。请安装 Debian 软件包 fonts-noto-cjk 后重试。"


def _families() -> tuple[str, ...]:
    """The families to try: ``HONGXIAN_CJK_FONT`` (another installed CJK font) or the Noto CJK ones."""
    chosen = os.environ.get(FONT_ENV, "").strip()
    return (chosen,) if chosen else CJK_FAMILIES


def cjk_family() -> str:
    """The CJK font family matplotlib should use; registers Noto CJK files if the cache missed them."""
    families = _families()
    names = {f.name for f in font_manager.fontManager.ttflist}
    for family in families:
        if family in names:
            return family
    for folder in FONT_DIRS:
        for path in sorted(Path(folder).rglob("Noto*CJK*")) if Path(folder).is_dir() else []:
            font_manager.fontManager.addfont(str(path))
    names = {f.name for f in font_manager.fontManager.ttflist}
    for family in families:
        if family in names:
            return family
    if families != CJK_FAMILIES:
        raise ReportError(f"未找到中文字体“{families[0]}”（环境变量 {FONT_ENV}）。请安装该字体或取消该变量。")
    raise ReportError(MISSING_FONT)


def _new_figure(width: float, height: float) -> Figure:
    return Figure(figsize=(width, height), dpi=100, layout="constrained")


def render(fig: Figure, title: str) -> Chart:
    return Chart(fig, title)


def _empty(ax, family: str, text: str) -> None:
    ax.text(0.5, 0.5, text, ha="center", va="center", fontfamily=family, fontsize=12, color=OTHER_COLOR)
    ax.set_axis_off()


BUCKET_ZH = {"day": "按日", "week": "按周", "month": "按月"}


def timeline_bucket(money: MoneyFlows) -> str:
    """Day bars up to ~4 months of activity, weeks up to ~2 years, months beyond."""
    days = [f.ts.date() for f in money.flows]
    span = (max(days) - min(days)).days if days else 0
    return "day" if span <= 120 else "week" if span <= 730 else "month"


GAP_DAYS = {"day": 30, "week": 84, "month": 186}
"""A stretch longer than this with no flow is cut out of the time axis (marked by a dashed line)."""


def _breaks(days: list, bucket: str) -> list[int]:
    """Indices of the bars that follow a long stretch without any flow."""
    return [i for i in range(1, len(days)) if (days[i] - days[i - 1]).days > GAP_DAYS[bucket]]


def _bars(ax, x: list, series: list, width: float, money: MoneyFlows) -> None:
    ax.bar(
        x,
        [i / 100 for _, i, _ in series],
        width=width,
        color=IN_COLOR,
        label=f"收入（合计 {fmt_yuan(money.total_in)} 元）",
    )
    ax.bar(
        x,
        [-o / 100 for _, _, o in series],
        width=width,
        color=OUT_COLOR,
        label=f"支出（合计 {fmt_yuan(money.total_out)} 元）",
    )


def _compressed_axis(ax, days: list, bucket: str, breaks: list[int]) -> None:
    """One slot per active bucket, labelled with its date; dashed lines where empty time was cut."""
    fmt = "%Y-%m" if bucket == "month" else "%Y-%m-%d"
    step = max(1, math.ceil(len(days) / 12))
    ticks = sorted(set(range(0, len(days), step)) | set(breaks))
    ax.set_xticks(ticks, [days[i].strftime(fmt) for i in ticks])
    for i in breaks:
        ax.axvline(i - 0.5, color=OTHER_COLOR, linestyle="--", linewidth=0.8)


def timeline_figure(money: MoneyFlows) -> Figure:
    """Inflow (up) and outflow (down) in 元 per day, week or month for the subject accounts; long
    stretches without any flow are cut out of the axis rather than drawn as empty years."""
    family = cjk_family()
    fig = _new_figure(8.0, 3.4)
    ax = fig.add_subplot()
    bucket = timeline_bucket(money)
    series = money.series(bucket)
    if not series:
        _empty(ax, family, "所选对象无资金往来记录")
        return fig
    days = [d for d, _, _ in series]
    breaks = _breaks(days, bucket)
    if breaks:
        _bars(ax, list(range(len(days))), series, 0.8, money)
        _compressed_axis(ax, days, bucket, breaks)
    else:
        _bars(ax, days, series, {"day": 0.8, "week": 5.5, "month": 24.0}[bucket], money)
    ax.axhline(0, color="#333333", linewidth=0.6)
    ax.set_ylabel("金额（元）", fontfamily=family)
    cut = "；虚线处略去无往来的时段" if breaks else ""
    ax.set_title(f"资金往来时间线（{BUCKET_ZH[bucket]}{cut}）", fontfamily=family, fontsize=12, loc="left")
    ax.legend(
        prop={"family": family, "size": 9},
        loc="lower right",
        bbox_to_anchor=(1.0, 1.0),
        ncol=2,
        frameon=False,
        borderaxespad=0.2,
    )
    ax.yaxis.set_major_formatter(matplotlib.ticker.FuncFormatter(lambda v, _: f"{abs(v):,.0f}"))
    for label in ax.get_xticklabels():
        label.set_rotation(30)
        label.set_horizontalalignment("right")
    ax.grid(axis="y", linewidth=0.3, color="#cccccc")
    return fig


def _positions(subjects: list[str], others: list[str]) -> dict[str, tuple[float, float]]:
    """Subjects in the middle (on a small circle when several), counterparties on the outer ring."""
    pos: dict[str, tuple[float, float]] = {}
    inner = 0.0 if len(subjects) == 1 else 0.38
    for i, acc in enumerate(subjects):
        a = 2 * math.pi * i / max(len(subjects), 1)
        pos[acc] = (inner * math.cos(a), inner * math.sin(a))
    for i, acc in enumerate(others):
        a = 2 * math.pi * i / max(len(others), 1) + math.pi / 2 + (math.pi / 6 if len(others) % 2 == 0 else 0)
        pos[acc] = (math.cos(a), math.sin(a))
    return pos


def _network_nodes(money: MoneyFlows):
    """Subject and counterparty nodes; small counterparties are folded into one 其他 node."""
    cps = money.counterparties()
    shown, rest = cps[:MAX_COUNTERPARTIES], cps[MAX_COUNTERPARTIES:]
    fold = {c.account: "__other__" for c in rest}
    totals = {c.account: c.total_fen for c in shown}
    if rest:
        totals["__other__"] = sum(c.total_fen for c in rest)
    subjects = sorted({f.subject_account for f in money.flows})
    for s in subjects:
        totals[s] = sum(f.amount_fen for f in money.flows if f.subject_account == s)
    labels = _unique_labels({a: money.label(a) for a in totals})
    if rest:
        labels["__other__"] = f"其他 {len(rest)} 个账户"
    others = [c.account for c in shown] + (["__other__"] if rest else [])
    return subjects, others, labels, totals, fold


def _unique_labels(labels: dict[str, str]) -> dict[str, str]:
    """Two accounts of one person get the platform (or account id) added to their label."""
    seen: dict[str, int] = {}
    for text in labels.values():
        seen[text] = seen.get(text, 0) + 1
    out = {}
    for acc, text in labels.items():
        if seen[text] > 1:
            tag = (
                "支付宝"
                if acc.startswith("alipay")
                else "微信"
                if acc.startswith(("wxid_", "wxname:"))
                else acc
            )
            text = f"{text}（{tag}）"
        out[acc] = text
    return out


def network_figure(money: MoneyFlows) -> Figure:
    """Accounts as nodes (labelled by person / display name), edges weighted by the sum paid."""
    family = cjk_family()
    fig = _new_figure(7.5, 6.5)
    ax = fig.add_subplot()
    ax.set_axis_off()
    if not money.flows:
        _empty(ax, family, "所选对象无资金往来记录")
        return fig
    money = money.for_network()
    subjects, others, labels, totals, fold = _network_nodes(money)
    pos = _positions(subjects, others)
    edges: dict[tuple[str, str], int] = {}
    for payer, payee, fen, _ in money.edges():
        key = (fold.get(payer, payer), fold.get(payee, payee))
        edges[key] = edges.get(key, 0) + fen
    sizes = _node_sizes(totals)
    _draw_edges(ax, pos, edges, set(subjects), sizes)
    _draw_nodes(ax, pos, labels, totals, set(subjects), family, sizes)
    ax.set_xlim(-1.6, 1.6)
    ax.set_ylim(-1.35, 1.35)
    ax.set_aspect("equal")
    ax.set_title("资金往来对象关系图（线宽 = 金额合计）", fontfamily=family, fontsize=12)
    handles = [
        Line2D([], [], color=IN_COLOR, linewidth=3, label="流入报告对象"),
        Line2D([], [], color=OUT_COLOR, linewidth=3, label="报告对象流出"),
    ]
    ax.legend(handles=handles, prop={"family": family, "size": 9}, loc="lower left", frameon=False)
    return fig


def _node_sizes(totals: dict[str, int]) -> dict[str, float]:
    """Marker area (points²) per node, growing with the square root of the amount."""
    top = max(totals.values()) if totals else 0
    return {a: 120 + 900 * math.sqrt(v / top) if top else 120.0 for a, v in totals.items()}


def _draw_edges(ax, pos, edges: dict[tuple[str, str], int], subjects: set[str], sizes) -> None:
    top = max(edges.values()) if edges else 1
    for (payer, payee), fen in sorted(edges.items(), key=lambda kv: kv[1]):
        color = OUT_COLOR if payer in subjects else IN_COLOR
        width = 0.6 + 5.0 * math.sqrt(fen / top)
        arrow = FancyArrowPatch(
            pos[payer],
            pos[payee],
            arrowstyle="-|>",
            mutation_scale=10 + width * 2,
            linewidth=width,
            color=color,
            alpha=0.75,
            shrinkA=math.sqrt(sizes[payer]) / 2 + 2,
            shrinkB=math.sqrt(sizes[payee]) / 2 + 2,
            connectionstyle="arc3,rad=0.08",
            zorder=2,
        )
        ax.add_patch(arrow)


def _draw_nodes(ax, pos, labels, totals, subjects: set[str], family: str, sizes) -> None:
    for acc, (x, y) in pos.items():
        is_subject = acc in subjects
        ax.scatter(
            [x],
            [y],
            s=sizes[acc],
            color=SUBJECT_COLOR if is_subject else OTHER_COLOR,
            zorder=3,
            edgecolors="white",
            linewidths=1.0,
        )
        text = f"{labels.get(acc, acc)}\n{fmt_yuan(totals.get(acc, 0))} 元"
        radius = math.sqrt(sizes[acc]) / 2 + 4
        norm = math.hypot(x, y)
        ux, uy = (x / norm, y / norm) if norm > 1e-6 else (0.0, -1.0)
        ax.annotate(
            text,
            (x, y),
            xytext=(ux * radius, uy * radius),
            textcoords="offset points",
            ha="center" if abs(ux) < 0.35 else ("left" if ux > 0 else "right"),
            va="center" if abs(uy) < 0.35 else ("bottom" if uy > 0 else "top"),
            fontfamily=family,
            fontsize=9 if is_subject else 8,
            fontweight="bold" if is_subject else "normal",
            zorder=4,
        )
