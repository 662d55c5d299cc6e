"""The text suite: all text checks over the messages table in one engine pass per Arrow batch.

`TextSpec` describes one text detector (its params model, its keywords and its per-message
evaluation). `CompiledSuite` compiles the rules of every bound check into one `TextEngine` and
evaluates a batch of texts; `run_text_checks` turns a dataset into findings aggregated per
(check, subject). Each detector's own `Detector.run` is the same suite restricted to its checks,
so rule cases and `screen` share one code path.
"""

from __future__ import annotations

import gc
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import pyarrow as pa
import pyarrow.compute as pc

from hongxian.detect.base import BoundCheck
from hongxian.detect.text.engine import DEFAULT_BACKEND, KeywordKey, TextEngine, TextScan
from hongxian.detect.text.env import MsgMeta, TextEnv
from hongxian.detect.text.names import NameFinder
from hongxian.detect.text.prefilter import PREFILTER_BACKEND, Prefilter
from hongxian.detect.text.spec import EvalInput, TextSpec, Verdict
from hongxian.normalize import Normalized

SKIP_KINDS = frozenset({"system", "call", "voice", "sticker"})
BATCH = 65536


@dataclass(slots=True)
class Hit:
    rule: int
    row: int
    """Index of the text in its batch's list of screened texts (the message is `meta`)."""
    field: str
    norm: Normalized
    verdict: Verdict
    meta: MsgMeta | None = None


@dataclass
class CompiledSuite:
    rules: list[tuple[BoundCheck, TextSpec]]
    engine: TextEngine
    names: NameFinder
    locator: Callable | None
    prefilter: Prefilter | None = None
    """Row selection on the Arrow buffers before the exact path (None: every text is scanned)."""

    @classmethod
    def build(
        cls,
        bound: Iterable[BoundCheck],
        specs: dict[str, TextSpec],
        *,
        known_names: Iterable[str] = (),
        backend: str = DEFAULT_BACKEND,
        locator: Callable | None = None,
        prefilter_backend: str | None = PREFILTER_BACKEND,
    ) -> CompiledSuite:
        rules = [(b, specs[b.check.detector]) for b in bound if b.check.detector in specs]
        keywords: dict[str, list[KeywordKey]] = {}
        for ri, (b, spec) in enumerate(rules):
            for word, keys in spec.keywords(b.params, ri).items():
                keywords.setdefault(word, []).extend(keys)
        engine = TextEngine(
            keywords, digits=any(_wants_digits(spec, b) for b, spec in rules), backend=backend
        )
        pre = None
        if prefilter_backend is not None:
            triggers = [p for p, trig in zip(engine.patterns, engine.triggers.tolist(), strict=True) if trig]
            pre = Prefilter(triggers, engine.tables, digits=engine.digits, backend=prefilter_backend)
        return cls(rules, engine, NameFinder(known_names), locator, pre)

    def evaluate(
        self,
        texts: list[str],
        fields: list[str],
        metas: Callable[[list[int]], dict[int, MsgMeta]],
        env: TextEnv,
    ) -> list[Hit]:
        """Evaluate a batch of texts; `metas(indices)` gives the messages of the texts that hit (in bulk).

        Equal texts are normalised and scanned once (chats repeat themselves: forwarded notices, spam,
        "好的"); each message is still evaluated with its own field and metadata, and the keyword
        scores of equal texts are computed once (`EvalInput.memo`)."""
        out: list[Hit] = []
        digit_rules = [ri for ri, (b, spec) in enumerate(self.rules) if _wants_digits(spec, b)]
        where: dict[str, list[int]] = {}
        for i, text in enumerate(texts):
            where.setdefault(text, []).append(i)
        distinct = list(where)
        scans = self.engine.scan(distinct)
        if not scans:
            return out
        rows_of = [where[distinct[scan.index]] for scan in scans]
        meta_of = metas([i for rows in rows_of for i in rows])
        memo: dict = {}
        for scan, rows in zip(scans, rows_of, strict=True):
            per_rule = _split(scan)
            todo = sorted(
                {ri for ri, hs in per_rule.items() if _live_trigger(hs)}
                | (set(digit_rules) if scan.candidates else set())
            )
            for i in rows:
                meta, field_name = meta_of[i], fields[i]
                for ri in todo:
                    bound, spec = self.rules[ri]
                    verdict = spec.evaluate(
                        EvalInput(
                            bound.params,
                            bound,
                            scan.norm,
                            field_name,
                            per_rule.get(ri, []),
                            scan.candidates,
                            meta,
                            env,
                            self.names,
                            self.locator,
                            memo,
                        )
                    )
                    if verdict is not None:
                        out.append(Hit(ri, i, field_name, scan.norm, verdict, meta))
        out.sort(key=lambda h: (h.row, h.rule))  # message order, as without de-duplication
        return out


def _live_trigger(hits: list[tuple[str, int, int, int]]) -> bool:
    """A trigger word that is not inside one of the rule's exclusion phrases (接龙 in 接龙报名)."""
    excl = [(s, e) for k, _, s, e in hits if k == "x"]
    if not excl:
        return any(h[0] == "g" for h in hits)
    return any(k == "g" and not any(xs <= s and e <= xe for xs, xe in excl) for k, _, s, e in hits)


def _wants_digits(spec: TextSpec, bound: BoundCheck) -> bool:
    return spec.digits is not None and spec.digits(bound.params)


def _split(scan: TextScan) -> dict[int, list[tuple[str, int, int, int]]]:
    per_rule: dict[int, list[tuple[str, int, int, int]]] = {}
    for (kind, ri, idx), s, e in scan.hits:
        found = per_rule.get(ri)
        if found is None:
            found = per_rule[ri] = []
        found.append((kind, idx, s, e))
    return per_rule


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
    batch: pa.RecordBatch, prefilter: Prefilter | None = None
) -> tuple[list[str], list[str], list[int]]:
    """(texts, fields, rows): message text and file names of a batch, skipping system messages; with a
    `prefilter`, only the texts that can produce a scan (all others would come back empty)."""
    texts: list[str] = []
    fields: list[str] = []
    rows: list[int] = []
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
            chosen = pa.array(prefilter.rows(values), type=pa.int64())
            values, idx = values.take(chosen), idx.take(chosen)
        texts.extend(values.to_pylist())
        rows.extend(idx.to_pylist())
        fields.extend([name] * len(idx))
    return texts, fields, rows


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
            texts, fields, rows = batch_texts(batch, suite.prefilter)
            if texts:
                hits.extend(suite.evaluate(texts, fields, _batch_metas(batch, rows), env))
    return hits
