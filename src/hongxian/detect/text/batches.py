"""A messages table in Arrow batches → the texts the suite evaluates, with their message metadata.

`scan_messages` walks the table batch by batch: system messages are skipped, a file message is
screened once (as a file name), and with a pre-filter only the rows that can produce a keyword scan
become Python strings — unless a learned check is bound, which scores every text of the batch.
"""

from __future__ import annotations

import gc
from collections.abc import Callable, Iterator
from contextlib import contextmanager

import pyarrow as pa
import pyarrow.compute as pc

from hongxian.detect.text.env import MsgMeta, TextEnv
from hongxian.detect.text.prefilter import Prefilter
from hongxian.detect.text.suite import BATCH, SKIP_KINDS, CompiledSuite, Hit

META_COLUMNS = ("message_id", "sender_account", "chat_id", "ts", "is_group")


def _batch_metas(batch: pa.RecordBatch, rows: list[int]) -> Callable[[list[int]], dict[int, MsgMeta]]:
    """Message metadata of the texts that hit, taken from the Arrow batch in one vectorised `take`."""

    def metas(indices: list[int]) -> dict[int, MsgMeta]:
        picked = batch.select(list(META_COLUMNS)).take(pa.array([rows[i] for i in indices], type=pa.int64()))
        ids, senders, chats, groups = (
            picked.column(n).to_pylist() for n in ("message_id", "sender_account", "chat_id", "is_group")
        )
        micros = picked.column("ts").cast(pa.int64()).to_pylist()  # datetimes are built lazily
        return {
            i: MsgMeta(ids[k], senders[k], chats[k], None, groups[k], micros[k])
            for k, i in enumerate(indices)
        }

    return metas


def batch_texts(
    batch: pa.RecordBatch, prefilter: Prefilter | None = None, every_row: bool = False
) -> tuple[list[str], list[str], list[int], list[bool] | None]:
    """(texts, fields, rows, exact): message text and file names of a batch, skipping system messages.

    With a `prefilter` and not `every_row`, only the texts that can produce a keyword scan are taken
    (all others would come back empty) and `exact` is None. With `every_row` (a learned check scores
    every text), all texts are taken and `exact[i]` says whether the pre-filter kept text i."""
    texts: list[str] = []
    fields: list[str] = []
    rows: list[int] = []
    exact: list[bool] | None = [] if (prefilter is not None and every_row) else None
    keep = pc.invert(
        pc.fill_null(pc.is_in(batch.column("kind"), value_set=pa.array(sorted(SKIP_KINDS))), False)
    )
    same = pc.fill_null(pc.equal(batch.column("text"), batch.column("file_name")), False)
    for name in ("text", "file_name"):
        col = batch.column(name)
        mask = pc.and_(keep, pc.fill_null(pc.greater(pc.utf8_length(col), 0), False))
        if name == "text":  # a file message whose text is its file name: screen it once, as a file
            mask = pc.and_(mask, pc.invert(same))
        idx = pc.indices_nonzero(mask)
        if not len(idx):
            continue
        values = pc.take(col, idx)
        if prefilter is not None:
            chosen = prefilter.rows(values)
            if exact is not None:
                flags = [False] * len(values)
                for k in chosen:
                    flags[k] = True
                exact.extend(flags)
            else:
                picked = pa.array(chosen, type=pa.int64())
                values, idx = values.take(picked), idx.take(picked)
        texts.extend(values.to_pylist())
        rows.extend(idx.to_pylist())
        fields.extend([name] * len(idx))
    return texts, fields, rows, exact


@contextmanager
def gc_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector for one batch: the hot path allocates many small acyclic
    objects (freed by reference counting) and generational collections cost ~25 % of the run
    (measured in bench/bench_text.py). Restored after the batch, so cycles are still collected."""
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()


def scan_messages(
    suite: CompiledSuite, messages: pa.Table, env: TextEnv, batch_size: int = BATCH
) -> list[Hit]:
    hits: list[Hit] = []
    for batch in messages.to_batches(max_chunksize=batch_size):
        with gc_paused():
            texts, fields, rows, exact = batch_texts(batch, suite.prefilter, suite.learned is not None)
            if texts:
                hits.extend(suite.evaluate(texts, fields, _batch_metas(batch, rows), env, exact))
    return hits
