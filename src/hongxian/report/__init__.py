"""Case reports: HTML / XLSX / PDF with charts, personal data masked.

Entry points: `generate_report(case_dir, fmt, ...)` for a case folder (review store or
findings.jsonl), `render_bytes(ReportInput, fmt)` for an input built in code.
"""

from hongxian.report.api import FORMATS, ReportResult, generate_report, load_case_report, render_bytes
from hongxian.report.inputs import DecisionRecord, ReportError, ReportFinding, ReportInput

__all__ = [
    "FORMATS",
    "DecisionRecord",
    "ReportError",
    "ReportFinding",
    "ReportInput",
    "ReportResult",
    "generate_report",
    "load_case_report",
    "render_bytes",
]
