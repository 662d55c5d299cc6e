"""Run one check's example cases (semgrep-style ``cases:``) through its detector.

A text case becomes a one-message ``messages`` table; a data case gives small canonical tables as
row dicts, whose ISO strings are parsed into timestamps (naive → Asia/Shanghai) and dates following
`hongxian.canonical.SCHEMAS`. Only the one check runs, through its detector, exactly as in a screen.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

import pyarrow as pa

from hongxian.canonical import SCHEMAS, table_from_rows
from hongxian.dataset.dataset import Dataset
from hongxian.detect.base import BoundCheck, DetectContext, DetectorRegistry
from hongxian.schema import TZ, Finding

if TYPE_CHECKING:
    from hongxian.rulebook.loader import Rulebook
    from hongxian.rulebook.models import Check, CheckCase

CASE_SENDER = "wxid_case_sender"
CASE_CHAT = "case-chat@chatroom"
CASE_TS = "2024-06-01T10:00:00+08:00"
_ZONE = ZoneInfo(TZ)


class CaseDataError(ValueError):
    """A case's data cannot be turned into canonical tables."""


def parse_timestamp(value: Any) -> datetime | None:
    """ISO text or datetime → aware datetime; naive values are Asia/Shanghai."""
    if value is None:
        return None
    if isinstance(value, date) and not isinstance(value, datetime):
        value = datetime(value.year, value.month, value.day)
    if isinstance(value, str):
        value = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    if not isinstance(value, datetime):
        raise CaseDataError(f"无法解析时间：{value!r}")
    return value.replace(tzinfo=_ZONE) if value.tzinfo is None else value.astimezone(_ZONE)


def parse_date(value: Any) -> date | None:
    if value is None or (isinstance(value, date) and not isinstance(value, datetime)):
        return value
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, str):
        return date.fromisoformat(value.strip()[:10])
    raise CaseDataError(f"无法解析日期：{value!r}")


def _coerce_row(table: str, row: dict[str, Any]) -> dict[str, Any]:
    schema = SCHEMAS[table]
    out = {}
    for key, value in row.items():
        if key not in schema.names:
            raise CaseDataError(f"表 {table} 没有列 {key}")
        typ = schema.field(key).type
        if pa.types.is_timestamp(typ):
            value = parse_timestamp(value)
        elif pa.types.is_date(typ):
            value = parse_date(value)
        out[key] = value
    return out


def case_message(case: CheckCase, index: int = 1) -> dict[str, Any]:
    return {
        "message_id": f"case-msg-{index}",
        "source_id": "case",
        "chat_id": CASE_CHAT,
        "is_group": True,
        "sender_account": case.sender or CASE_SENDER,
        "ts": parse_timestamp(case.ts or CASE_TS),
        "kind": "text",
        "text": case.text,
    }


def case_dataset(case: CheckCase) -> Dataset:
    """The canonical tables of one case (missing tables empty, missing columns null)."""
    rows: dict[str, list[dict[str, Any]]] = {}
    for table, table_rows in (case.data or {}).items():
        if table not in SCHEMAS:
            raise CaseDataError(f"未知数据表 {table}")
        rows[table] = [_coerce_row(table, r) for r in table_rows]
    if case.text is not None:
        messages = rows.setdefault("messages", [])
        messages.append(case_message(case, len(messages) + 1))
    return Dataset({name: table_from_rows(name, r) for name, r in rows.items()})


def bind(check: Check, registry: DetectorRegistry, rulebook: Rulebook | None = None) -> BoundCheck:
    if rulebook is not None and check.id in rulebook.bound and rulebook.bound[check.id].check is check:
        return rulebook.bound[check.id]
    detector = registry.get(check.detector)
    if detector is None:
        raise KeyError(f"未知检测器 {check.detector}")
    return BoundCheck(check=check, params=detector.params_model.model_validate(check.params))


def run_case(
    check: Check, case: CheckCase, registry: DetectorRegistry, rulebook: Rulebook, settings: Any = None
) -> list[Finding]:
    """Run only ``check`` on the case's dataset; return its findings (those with its check_id)."""
    detector = registry.get(check.detector)
    if detector is None:
        raise KeyError(f"未知检测器 {check.detector}")
    bound = bind(check, registry, rulebook)
    dataset = case_dataset(case)
    try:
        if detector.missing_data(dataset):
            return []
        ctx = DetectContext(dataset=dataset, rulebook=rulebook, settings=settings)
        findings = detector.run(ctx, [bound])
    finally:
        dataset.close()
    return [f for f in findings if f.check_id == check.id]
