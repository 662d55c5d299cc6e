"""Group messages for the group detectors: read once, sliced per group, normalised on first use."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from functools import cached_property
from typing import Protocol
from zoneinfo import ZoneInfo

import pyarrow as pa

from hongxian.dataset.dataset import Dataset
from hongxian.schema import TZ

_ZONE = ZoneInfo(TZ)
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_WHERE = "(is_group OR chat_id LIKE '%@chatroom') AND text IS NOT NULL AND text <> ''"


SpanMap = Callable[[int, int], tuple[int, int]]
"""Maps a span of the normalised text back to the original text."""


def identity_span(start: int, end: int) -> tuple[int, int]:
    return start, end


class BatchNormaliser(Protocol):
    def mapped_many(self, texts: list[str | None]) -> list[tuple[str, SpanMap]]: ...


@dataclass(eq=False)
class Message:
    message_id: str
    chat_id: str
    sender: str | None
    ts_us: int | None
    kind: str | None
    text: str
    norm: str
    to_original: SpanMap = identity_span

    @cached_property
    def ts(self) -> datetime | None:
        if self.ts_us is None:
            return None
        return (_EPOCH + timedelta(microseconds=self.ts_us)).astimezone(_ZONE)


@dataclass
class MessageStore:
    """All group messages with text, sorted by chat then time; `of(group_id)` slices one group."""

    dataset: Dataset | None
    normalise: BatchNormaliser
    _table: pa.Table | None = None
    _spans: dict[str, tuple[int, int]] = field(default_factory=dict)
    _cache: dict[str, list[Message]] = field(default_factory=dict)

    def _load(self) -> pa.Table:
        if self.dataset is None or not self.dataset.has("messages"):
            return pa.table({})
        table = self.dataset.sql(
            "SELECT message_id, sender_account, epoch_us(ts) AS ts_us, kind, text "
            f"FROM messages WHERE {_WHERE} ORDER BY chat_id, ts, message_id"
        )
        counts = self.dataset.sql(
            f"SELECT chat_id, count(*) AS n FROM messages WHERE {_WHERE} GROUP BY chat_id ORDER BY chat_id"
        )
        start = 0
        for chat, n in zip(counts["chat_id"].to_pylist(), counts["n"].to_pylist(), strict=True):
            self._spans[chat] = (start, n)
            start += n
        return table

    def of(self, group_id: str) -> list[Message]:
        if group_id in self._cache:
            return self._cache[group_id]
        if self._table is None:
            self._table = self._load()
        span = self._spans.get(group_id)
        if span is None:
            return self._cache.setdefault(group_id, [])
        t = self._table.slice(*span)
        ids, senders, times, kinds, texts = (
            t[c].to_pylist() for c in ("message_id", "sender_account", "ts_us", "kind", "text")
        )
        mapped = self.normalise.mapped_many(texts)
        out = [
            Message(i, group_id, s, us, k, txt, n, m)
            for i, s, us, k, txt, (n, m) in zip(ids, senders, times, kinds, texts, mapped, strict=True)
        ]
        self._cache[group_id] = out
        return out

    def last_time(self) -> datetime | None:
        if self.dataset is None or not self.dataset.has("messages"):
            return None
        return self.dataset.sql("SELECT max(ts) AS t FROM messages")["t"][0].as_py()
