"""Chinese explanations with counts and dates.

Example: 「张某」共 2 条消息命中：2020-02-01 在「公交公司运营工作群」发布标有「讨论稿」的文件 1 次；
2020-02-03 在与「李四」的私聊中发送含「机密★」标志的消息 1 次。
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass

MAX_ITEMS = 6


@dataclass(frozen=True)
class Item:
    day: str  # YYYY-MM-DD or 日期不详
    where: str  # 在「群名」 / 在与「某人」的私聊中
    field: str
    labels: tuple[str, ...]


def explain(
    subject: str,
    items: list[Item],
    phrase: Callable[[str, list[str]], str],
    notes: list[str] | None = None,
    shown: int | None = None,
) -> str:
    """One paragraph: subject, total, then per (day, chat, field, labels) counts, then notes."""
    counts = Counter(items)
    order = sorted(counts, key=lambda it: (it.day, it.where, it.field, it.labels))
    parts = [
        f"{it.day} {it.where}{phrase(it.field, list(it.labels))} {counts[it]} 次" for it in order[:MAX_ITEMS]
    ]
    more = len(order) - MAX_ITEMS
    body = "；".join(parts) + (f"；另有 {more} 组类似记录" if more > 0 else "")
    days = len({it.day for it in items})
    head = (
        f"「{subject}」共 {len(items)} 条消息命中（涉及 {days} 天）：" if len(items) > 1 else f"「{subject}」"
    )
    text = head + body + "。"
    for note in notes or ():
        text += note.rstrip("。") + "。"
    if shown is not None and shown < len(items):
        text += f"证据仅列出前 {shown} 条。"
    return text


def quoted(labels: list[str], limit: int = 4) -> str:
    """「讨论稿」「征求意见稿」… (at most `limit`)."""
    shown = "".join(f"「{x}」" for x in labels[:limit])
    return shown + ("等" if len(labels) > limit else "")


def default_phrase(noun: str) -> Callable[[str, list[str]], str]:
    """A phrase builder: file → 发布标有「x」的文件; text → 发送含「x」的{noun}."""

    def phrase(field: str, labels: list[str]) -> str:
        if field == "file_name":
            return f"发布标有{quoted(labels)}的文件"
        return f"发送含{quoted(labels)}的{noun}"

    return phrase
