"""Small canonical datasets for detector tests."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from hongxian.dataset.dataset import Dataset
from hongxian.detect.base import DetectContext

SH = ZoneInfo("Asia/Shanghai")
GROUP = "20001@chatroom"


def ts(day: str, hm: str = "10:00") -> datetime:
    return datetime.fromisoformat(f"{day}T{hm}:00").replace(tzinfo=SH)


def msg(
    i: int,
    text: str | None,
    sender: str = "wxid_a",
    chat: str = GROUP,
    day: str = "2020-02-01",
    kind: str = "text",
    file_name: str | None = None,
) -> dict:
    return {
        "message_id": f"m{i}",
        "source_id": "s",
        "chat_id": chat,
        "is_group": chat.endswith("@chatroom"),
        "sender_account": sender,
        "ts": ts(day),
        "kind": kind,
        "text": text,
        "file_name": file_name,
    }


def dataset(messages: list[dict], **tables) -> Dataset:
    return Dataset.from_rows(messages=messages, **tables)


def run(rulebook, registry, ds: Dataset, detector: str | None = None):
    """Run every text check (or those of one detector) through the suite, as `screen` does."""
    from hongxian.detect.text import run_text_checks
    from hongxian.detect.text.specs import SPECS

    bound = [
        b
        for b in rulebook.bound_checks()
        if b.check.detector in SPECS and (detector is None or b.check.detector == detector)
    ]
    return run_text_checks(DetectContext(ds, rulebook), bound, SPECS)
