"""A pool of worker processes with a time limit per file.

Each worker extracts one file at a time (OCR models are loaded once per worker). When a file runs
past the limit its worker is killed, the file is reported as ``timeout`` and a fresh worker takes
the next file — a hostile or pathological file costs at most the limit, never the run.
"""

from __future__ import annotations

import multiprocessing as mp
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from queue import Empty
from typing import Any

POLL_SECONDS = 0.05


def _serve(fn: Callable[[Any], Any], tasks: Any, results: Any) -> None:
    while True:
        item = tasks.get()
        if item is None:
            return
        key, arg = item
        results.put(("start", key, True, None))  # the time limit counts from here, not from start-up
        try:
            results.put(("done", key, True, fn(arg)))
        except Exception as exc:  # reported per file by the caller
            results.put(("done", key, False, f"{type(exc).__name__}: {exc}"))


@dataclass
class _Worker:
    proc: Any
    tasks: Any
    key: Any = None
    started: float | None = None


class TimedPool:
    """`map(fn, items)` over `workers` processes; yields (key, ok, result-or-reason) as files finish,
    with ok False and reason "timeout" for a file that ran past `limit` seconds."""

    def __init__(self, fn: Callable[[Any], Any], workers: int, limit: float):
        self.fn, self.n, self.limit = fn, max(1, workers), limit
        # spawn, not fork: the parent may hold onnxruntime threads (OCR run in-process), and a
        # forked child of a threaded process can deadlock; `fn` must therefore be picklable.
        self.ctx = mp.get_context("spawn")
        self.results = self.ctx.Queue()
        self.workers: list[_Worker] = []

    def _spawn(self) -> _Worker:
        tasks = self.ctx.Queue()
        proc = self.ctx.Process(target=_serve, args=(self.fn, tasks, self.results), daemon=True)
        proc.start()
        return _Worker(proc, tasks)

    def map(self, items: list[tuple[Any, Any]]) -> Iterator[tuple[Any, bool, Any]]:
        pending = list(reversed(items))
        self.workers = [self._spawn() for _ in range(min(self.n, len(items)))]
        busy = 0
        try:
            while pending or busy:
                for w in self.workers:
                    if w.key is None and pending:
                        w.key, arg = pending[-1][0], pending.pop()[1]
                        w.started = None
                        w.tasks.put((w.key, arg))
                        busy += 1
                done = self._collect()
                if done is not None:
                    busy -= 1
                    yield done
                for i, w in enumerate(self.workers):
                    if (
                        w.key is not None
                        and w.started is not None
                        and time.monotonic() - w.started > self.limit
                    ):
                        key = w.key
                        w.proc.kill()
                        w.proc.join()
                        self.workers[i] = self._spawn()
                        busy -= 1
                        yield key, False, "timeout"
        finally:
            self.close()

    def _collect(self) -> tuple[Any, bool, Any] | None:
        try:
            kind, key, ok, value = self.results.get(timeout=POLL_SECONDS)
        except Empty:
            return None
        for w in self.workers:
            if w.key == key and kind == "start":
                w.started = time.monotonic()
                return None
            if w.key == key:
                w.key = None
                return key, ok, value
        return None  # a late result of a worker killed for its time limit

    def close(self) -> None:
        for w in self.workers:
            if w.proc.is_alive():
                w.tasks.put(None)
        for w in self.workers:
            w.proc.join(timeout=1)
            if w.proc.is_alive():
                w.proc.kill()
                w.proc.join()
        self.workers = []
