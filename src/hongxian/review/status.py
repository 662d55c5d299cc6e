"""Finding statuses: codes stored in the database, Chinese labels shown to people."""

from __future__ import annotations

from hongxian.labels import FINDING_STATUS_ZH as STATUS_ZH
from hongxian.review.errors import ReviewInputError

PENDING = "pending"
CONFIRMED = "confirmed"
DISMISSED = "dismissed"
ESCALATED = "escalated"
STATUSES: tuple[str, ...] = (PENDING, CONFIRMED, DISMISSED, ESCALATED)

__all__ = ["STATUSES", "STATUS_ZH", "parse_status", "status_label"]
SEVERITY_RANK: dict[str, int] = {"low": 1, "medium": 2, "high": 3, "critical": 4}


def parse_status(text: str) -> str:
    """'排除' or 'dismissed' → 'dismissed'."""
    value = text.strip()
    for code, label in STATUS_ZH.items():
        if value in (code, label):
            return code
    raise ReviewInputError(f"未知状态“{text}”，应为：{'、'.join(STATUS_ZH.values())}")


def status_label(code: str) -> str:
    return STATUS_ZH.get(code, code)
