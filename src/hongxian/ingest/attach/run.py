"""The attachment pass of an ingest: find, link, extract (in a timed worker pool), write the table.

Runs after the readers and the dataset build (it needs the messages to link to). Extraction results
are cached per file content (sha256) under ``.hongxian/attachments/`` so a re-ingest only reads new
files. Every file appears in the table — with its text blocks, or with the status and reason why it
gave none (undecodable, too large, capped, timeout, unsupported …); nothing is skipped silently.
"""

from __future__ import annotations

import hashlib
import json
import os
import time
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass, field
from functools import partial
from pathlib import Path
from typing import Any

import pyarrow as pa

from hongxian.canonical import table_from_rows
from hongxian.case import CasePaths
from hongxian.dataset.store import TableStore
from hongxian.ids import fingerprint
from hongxian.ingest.attach.blocks import Block, Extracted
from hongxian.ingest.attach.extract import Limits, extract_file
from hongxian.ingest.attach.storage import (
    ATTACH_SUFFIXES,
    Link,
    file_name_links,
    in_storage,
    is_thumbnail,
    msg_db_links,
    storage_key,
    thumb_to_image,
)
from hongxian.ingest.attach.workers import TimedPool

EXTRACTOR_VERSION = "1"
SKIP_SUFFIXES = frozenset({".mp4", ".mov", ".silk", ".amr", ".mp3", ".db", ".db-wal", ".db-shm"})

Progress = Callable[[str, int, int], None]


@dataclass(frozen=True)
class AttachOptions:
    limits: Limits = field(default_factory=Limits)
    workers: int = field(default_factory=lambda: min(4, os.cpu_count() or 1))
    """Worker processes; 0 extracts in this process (no time limit)."""
    timeout: float = 120.0
    """Seconds one file may take."""


@dataclass
class AttachReport:
    files: int = 0
    linked: int = 0
    status: Counter[str] = field(default_factory=Counter)
    pages: int = 0
    ocr_pages: int = 0
    images: int = 0
    cached: int = 0
    seconds: float = 0.0
    problems: list[tuple[str, str, str]] = field(default_factory=list)
    """(path, status, reason) of every file that gave no or partial text."""
    paths: set[str] = field(default_factory=set)
    """Case-relative paths of the files read as attachments."""


def candidate_files(paths: CasePaths, ingested: set[str]) -> list[Path]:
    """Files under ``FileStorage`` (thumbnails only when the full image is missing) and loose
    documents and photos in the exports that no reader took."""
    root = paths.exports
    if not root.is_dir():
        return []
    out = []
    files = sorted(p for p in root.rglob("*") if p.is_file() and not p.name.startswith("."))
    keys = {storage_key(str(p)) for p in files if in_storage(p)}
    for p in files:
        suffix = p.suffix.lower()
        if suffix in SKIP_SUFFIXES or paths.relative(p) in ingested:
            continue
        if in_storage(p):
            full = storage_key(str(p)) or ""
            if is_thumbnail(p) and thumb_to_image(full) in keys:
                continue
            out.append(p)
        elif suffix in ATTACH_SUFFIXES:
            out.append(p)
    return out


def _links(paths: CasePaths, store: TableStore, files: list[Path]) -> dict[Path, Link]:
    by_key: dict[str, Link] = {}
    for row in store.sources().to_pylist():
        src = paths.root / row["path"]
        if src.suffix.lower() == ".db" and src.is_file():
            for k, link in msg_db_links(src).items():
                by_key.setdefault(k, link)
    out = {}
    for f in files:
        key = storage_key(str(f))
        if key and key in by_key:
            out[f] = by_key[key]
    messages = store.read(store.dataset_path("messages"), "messages")
    for f, link in file_name_links(messages, [f for f in files if f not in out]).items():
        out[f] = link
    return out


def _sha(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


class _Cache:
    def __init__(self, folder: Path, limits: Limits):
        self.folder = folder
        self.tag = f"{EXTRACTOR_VERSION}-{limits.max_bytes}-{limits.max_pages}-{int(limits.ocr)}"

    def _path(self, sha: str) -> Path:
        return self.folder / f"{sha}-{self.tag}.json"

    def get(self, sha: str) -> Extracted | None:
        try:
            raw = json.loads(self._path(sha).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        blocks = [
            Block(**{**b, "boxes": [tuple(x) for x in b["boxes"]] if b["boxes"] else None})
            for b in raw.pop("blocks")
        ]
        return Extracted(blocks=blocks, **raw)

    def put(self, sha: str, ex: Extracted) -> None:
        if ex.status == "timeout":
            return
        self.folder.mkdir(parents=True, exist_ok=True)
        tmp = self._path(sha).with_suffix(".tmp")
        tmp.write_text(json.dumps(asdict(ex), ensure_ascii=False), encoding="utf-8")
        os.replace(tmp, self._path(sha))


def _extract_all(
    todo: list[tuple[int, Path]], options: AttachOptions, progress: Progress, total: int, done: int
) -> dict[int, Extracted]:
    work = partial(extract_file, limits=options.limits)
    out: dict[int, Extracted] = {}
    results: Iterator[tuple[int, bool, Any]]
    if options.workers <= 0:
        results = ((i, True, work(p)) for i, p in todo)
    else:
        results = TimedPool(work, options.workers, options.timeout).map(todo)
    names = dict(todo)
    for key, ok, value in results:
        if ok:
            out[key] = value
        elif value == "timeout":
            out[key] = Extracted(names[key].suffix.lstrip(".").lower()).problem(
                "timeout", f"读取超过 {options.timeout:.0f} 秒，已中止"
            )
        else:
            out[key] = Extracted(names[key].suffix.lstrip(".").lower()).problem(
                "failed", f"读取出错：{value}"
            )
        done += 1
        progress(names[key].name, done, total)
    return out


def _rows(rel: str, sha: str, link: Link | None, ex: Extracted) -> list[dict]:
    mid = link.message_id if link else None
    base = {
        "attachment_id": fingerprint("att", sha, mid or rel),
        "message_id": mid,
        "path": rel,
        "sha256": sha,
        "link": link.how if link else "loose",
        "format": ex.format,
        "status": ex.status,
        "detail": ex.detail,
        "pages": ex.pages,
    }
    if not ex.blocks:
        return [{**base, "block": 0}]
    return [
        {
            **base,
            "block": i,
            "page": b.page,
            "part": b.part,
            "mark": b.mark,
            "field": b.field,
            "text": b.text,
            "boxes": ";".join(",".join(f"{v:.0f}" for v in box) for box in b.boxes) if b.boxes else None,
        }
        for i, b in enumerate(ex.blocks)
    ]


def attach_case(
    case_dir: Path, options: AttachOptions | None = None, progress: Progress | None = None
) -> AttachReport:
    """Read every attachment of an ingested case folder into ``dataset/attachments.parquet``."""
    options = options or AttachOptions()
    progress = progress or (lambda *_: None)
    started = time.monotonic()
    paths = CasePaths(case_dir)
    store = TableStore(paths.state)
    ingested = {r["path"] for r in store.sources().to_pylist()}
    files = candidate_files(paths, ingested)
    links = _links(paths, store, files)
    cache = _Cache(paths.state / "attachments", options.limits)
    shas = [_sha(f) for f in files]
    results: dict[int, Extracted] = {}
    todo = []
    for i, sha in enumerate(shas):
        hit = cache.get(sha)
        if hit is None:
            todo.append((i, files[i]))
        else:
            results[i] = hit
    report = AttachReport(files=len(files), linked=sum(1 for f in files if f in links), cached=len(results))
    progress("附件", len(results), len(files))
    for i, ex in _extract_all(todo, options, progress, len(files), len(results)).items():
        cache.put(shas[i], ex)
        results[i] = ex
    rows: list[dict] = []
    for i, f in enumerate(files):
        ex, rel = results[i], paths.relative(f)
        report.paths.add(rel)
        rows.extend(_rows(rel, shas[i], links.get(f), ex))
        report.status[ex.status] += 1
        report.pages += ex.pages or 0
        report.ocr_pages += ex.ocr_pages
        report.images += ex.images
        if ex.status != "ok":
            report.problems.append((rel, ex.status, ex.detail or ""))
    store.write_dataset_table("attachments", _table(rows))
    report.seconds = time.monotonic() - started
    return report


def _table(rows: list[dict]) -> pa.Table:
    return table_from_rows("attachments", rows)
