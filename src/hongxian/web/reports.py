"""Report files for the web UI: the report package's renderer fed by this app's review service.

Same content as ``hongxian report`` / `hongxian.report.api.generate_report` (which would open a
second store connection); the read is audited as a report and the written file as an export.
"""

from __future__ import annotations

from pathlib import Path

from hongxian.report.api import FORMATS, default_out, write_report
from hongxian.report.inputs import ReportError
from hongxian.report.load import case_sources, from_service, open_case
from hongxian.review.roles import User
from hongxian.web.context import WebState

MEDIA_TYPES = {
    "html": "text/html; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "pdf": "application/pdf",
}


def build_report(web: WebState, user: User, fmt: str, person: str | None) -> Path:
    """Write ``CASE_DIR/reports/report-<case>[-<person>].<fmt>`` and return its path."""
    if fmt not in FORMATS:
        raise ReportError(f"未知报告格式“{fmt}”")
    case, dataset = open_case(web.case_dir)
    loaded = from_service(
        web.service,
        user,
        case,
        dataset,
        person=person,
        sources=case_sources(web.case_dir),
        mask=web.settings.mask_personal_data,
    )
    return write_report(loaded, fmt, default_out(web.case_dir, case.case.id, fmt, person))
