"""Finding statuses: codes stored in the database, Chinese labels shown to people."""

from __future__ import annotations

from hongxian.review.errors import ReviewInputError

PENDING = "pending"
CONFIRMED = "confirmed"
DISMISSED = "dismissed"
ESCALATED = "escalated"
STATUS_ZH: dict[str, str] = {PENDING: "待审", CONFIRMED: "确认", DISMISSED: "排除", ESCALATED: "上报"}
STATUSES: tuple[str, ...] = tuple(STATUS_ZH)
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
