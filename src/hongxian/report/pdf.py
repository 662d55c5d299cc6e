"""PDF report: the HTML report laid out by WeasyPrint with the Noto CJK fonts.

Needs the Debian packages ``fonts-noto-cjk`` (the fonts), ``libpango-1.0-0`` and
``libpangoft2-1.0-0`` (WeasyPrint's text layout) and ``libharfbuzz-subset0`` (font subsetting:
without it WeasyPrint falls back to fontTools, which takes seconds per CJK font).
"""

from __future__ import annotations

import logging
from pathlib import Path

from hongxian.report.charts import cjk_family
from hongxian.report.html import render_html
from hongxian.report.inputs import ReportError, ReportInput


def _weasyprint():
    try:
        import weasyprint
    except OSError as exc:  # missing Pango shared libraries
        raise ReportError(
            f"无法加载 PDF 排版库 WeasyPrint（{exc}）。"
            "请安装 Debian 软件包 libpango-1.0-0 libpangoft2-1.0-0。"
        ) from exc
    return weasyprint


def render_pdf(inp: ReportInput) -> bytes:
    """The report as PDF bytes."""
    cjk_family()  # fail with a Chinese message when the CJK fonts are missing
    weasyprint = _weasyprint()
    html = render_html(inp)
    logging.getLogger("fontTools").setLevel(logging.ERROR)
    fetcher = weasyprint.urls.URLFetcher(
        allowed_protocols={"data"}
    )  # embedded charts only, never the network
    document = weasyprint.HTML(string=html, base_url=None, url_fetcher=fetcher).render()
    return document.write_pdf()


def write_pdf(inp: ReportInput, out: Path) -> Path:
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_bytes(render_pdf(inp))
    return out
