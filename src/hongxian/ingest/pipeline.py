"""`ingest_case`: case folder → persisted canonical tables, with a report per source."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from hongxian.canonical import SCHEMAS, table_from_rows
from hongxian.case import CaseConfig, CasePaths, load_case_config
from hongxian.dataset.build import build_dataset
from hongxian.dataset.store import PartWriter, TableStore
from hongxian.ids import fingerprint, sha256_file
from hongxian.ingest.attach import AttachOptions, AttachReport, attach_case
from hongxian.ingest.attach.storage import in_storage
from hongxian.ingest.base import (
    PeopleIndex,
    ReaderRegistry,
    Reject,
    Sink,
    SourceContext,
    UnreadableSource,
)
from hongxian.ingest.diagnose import why_unrecognised
from hongxian.ingest.registers import REGISTERS, people_index, read_register
from hongxian.ingest.registry import default_registry

SHANGHAI = ZoneInfo("Asia/Shanghai")


@dataclass
class SourceReport:
    path: str
    status: str  # ingested | unchanged | unrecognised | failed
    format: str | None = None
    rows_ok: int = 0
    rows_rejected: int = 0
    owner: str | None = None
    warnings: list[str] = field(default_factory=list)
    error: str | None = None
    rows_in: int = 0  # source rows met; = rows_ok + rows_rejected (checked, see `_row_check`)


@dataclass
class IngestReport:
    case: CaseConfig
    sources: list[SourceReport]
    table_counts: dict[str, int]
    attachments: AttachReport | None = None

    @property
    def rejected(self) -> int:
        return sum(s.rows_rejected for s in self.sources)


Progress = Callable[[str, int, int], None]


def _error_text(exc: BaseException) -> str:
    return f"读取出错：{type(exc).__name__}: {exc}"


def _reject_rows(source_id: str, path: str, rejects: list[Reject]) -> list[dict]:
    return [
        {
            "source_id": source_id,
            "path": path,
            "row_number": r.row_number,
            "column": r.column,
            "raw": r.raw,
            "error": r.error,
        }
        for r in rejects
    ]


def _row_check(rows_in: int, ok: int, bad: int) -> str | None:
    """A Chinese warning when the reader's row accounting does not add up (a reader bug)."""
    if rows_in == ok + bad:
        return None
    return (
        f"行数核对不符：读入 {rows_in} 行，成功 {ok} 行，拒绝 {bad} 行"
        f"（差 {rows_in - ok - bad} 行），请报告此问题"
    )


def _source_row(
    source_id,
    rel,
    sha,
    fmt,
    ok,
    bad,
    auth,
    owner_acc=None,
    owner_person=None,
    warnings=(),
    declared=None,
    rows_in=None,
):
    return {
        "source_id": source_id,
        "path": rel,
        "sha256": sha,
        "format": fmt,
        "ingested_at": datetime.now(SHANGHAI),
        "rows_in": ok + bad if rows_in is None else rows_in,
        "rows_ok": ok,
        "rows_rejected": bad,
        "authorisation": auth,
        "owner_account": owner_acc,
        "owner_person": owner_person,
        "declared_owner": declared,
        "warnings": "\n".join(warnings) or None,
    }


class CaseIngester:
    def __init__(
        self,
        case_dir: Path,
        registry: ReaderRegistry | None = None,
        progress: Progress | None = None,
        attach: AttachOptions | None = None,
    ):
        self.attach = attach
        self.paths = CasePaths(case_dir)
        self.config = load_case_config(self.paths.root)
        self.registry = registry or default_registry()
        self.store = TableStore(self.paths.state)
        self.progress = progress or (lambda *_: None)
        self.auth = self.config.authorisation_text()

    def run(self) -> IngestReport:
        old = {r["path"]: r for r in self.store.sources().to_pylist()}
        old_rejects = self.store.rejects().to_pylist()
        manifest: list[dict] = []
        rejects: list[dict] = []
        reports: list[SourceReport] = []
        people = self._ingest_registers(old, manifest, rejects, reports, old_rejects)
        files = self._export_files()
        for i, path in enumerate(files):
            self.progress(self.paths.relative(path), i, len(files))
            self._ingest_file(path, people, old, manifest, rejects, reports, old_rejects)
        self.progress("", len(files), len(files))
        kept = {m["source_id"] for m in manifest}
        for row in old.values():
            if row["source_id"] not in kept:
                self.store.drop_source(row["source_id"])
        self.store.write_sources(table_from_rows("sources", manifest))
        self.store.write_rejects(table_from_rows("rejects", rejects))
        counts = build_dataset(self.store)
        attached = attach_case(self.paths.root, self.attach, self.progress)
        counts["attachments"] = attached.files
        # files under FileStorage are reported with the attachments, not as unrecognised exports (a
        # loose document stays listed as unrecognised: it is not an export, though it is read)
        reports = [
            r
            for r in reports
            if not (r.status == "unrecognised" and r.path in attached.paths and in_storage(Path(r.path)))
        ]
        return IngestReport(self.config, reports, counts, attached)

    def _export_files(self) -> list[Path]:
        root = self.paths.exports
        if not root.is_dir():
            return []
        return sorted(
            p
            for p in root.rglob("*")
            if p.is_file()
            and not p.name.startswith(".")
            and not p.name.endswith(("-wal", "-shm", "-journal"))
        )

    def _unchanged(self, rel, sha, old, manifest, rejects, reports, old_rejects) -> bool:
        prev = old.get(rel)
        # A changed [[sources]] owner in case.toml re-reads the file even when its bytes are unchanged.
        if prev is None or prev["sha256"] != sha or prev["declared_owner"] != self.config.owner_for(rel):
            return False
        manifest.append(prev)
        rejects.extend(r for r in old_rejects if r["source_id"] == prev["source_id"])
        reports.append(
            SourceReport(
                rel,
                "unchanged",
                prev["format"],
                prev["rows_ok"],
                prev["rows_rejected"],
                prev["owner_person"] or prev["owner_account"],
                rows_in=prev["rows_in"]
                if prev["rows_in"] is not None
                else prev["rows_ok"] + prev["rows_rejected"],
            )
        )
        return True

    def _ingest_registers(self, old, manifest, rejects, reports, old_rejects) -> PeopleIndex:
        people_table = SCHEMAS["people"].empty_table()
        for spec in REGISTERS:
            path = self.paths.register_file(spec.stem)
            if path is None:
                self.store.write_case_table(spec.table, SCHEMAS[spec.table].empty_table())
                continue
            rel, sha = self.paths.relative(path), sha256_file(path)
            source_id = fingerprint("s", sha)
            try:
                result = read_register(spec, path)
            except Exception as exc:  # noqa: BLE001 - one bad register must not stop the case
                reason = str(exc) if isinstance(exc, UnreadableSource) else _error_text(exc)
                reports.append(SourceReport(rel, "failed", f"register:{spec.stem}", error=reason))
                self.store.write_case_table(spec.table, SCHEMAS[spec.table].empty_table())
                continue
            self.store.write_case_table(spec.table, result.table)
            if spec.table == "people":
                people_table = result.table
            manifest.append(
                _source_row(
                    source_id,
                    rel,
                    sha,
                    f"register:{spec.stem}",
                    result.table.num_rows,
                    len(result.rejects),
                    self.auth,
                    rows_in=result.rows_in,
                )
            )
            rejects.extend(_reject_rows(source_id, rel, result.rejects))
            reports.append(
                SourceReport(
                    rel,
                    "ingested",
                    f"register:{spec.stem}",
                    result.table.num_rows,
                    len(result.rejects),
                    rows_in=result.rows_in,
                )
            )
        return people_index(people_table)

    def _ingest_file(self, path, people, old, manifest, rejects, reports, old_rejects) -> None:
        """One export file; whatever goes wrong is reported for this file only (never raised)."""
        rel = self.paths.relative(path)
        try:
            self._read_file(rel, path, people, old, manifest, rejects, reports, old_rejects)
        except Exception as exc:  # noqa: BLE001 - one bad file must not stop the case
            reports.append(SourceReport(rel, "failed", error=_error_text(exc)))

    def _read_file(self, rel, path, people, old, manifest, rejects, reports, old_rejects) -> None:
        sha = sha256_file(path)
        if self._unchanged(rel, sha, old, manifest, rejects, reports, old_rejects):
            return
        if rel in old:
            self.store.drop_source(old[rel]["source_id"])
        reader, problem = self.registry.identify(path)
        if reader is None:
            reports.append(
                SourceReport(rel, "failed", error=problem)
                if problem
                else SourceReport(rel, "unrecognised", warnings=[why_unrecognised(path)])
            )
            return
        source_id = fingerprint("s", sha)
        if any(m["source_id"] == source_id for m in manifest):
            reports.append(
                SourceReport(rel, "unchanged", reader.name, warnings=["与另一文件内容完全相同，已跳过"])
            )
            return
        ctx = SourceContext(path, rel, source_id, self.config.owner_for(rel), people)
        writer = PartWriter(self.store, source_id)
        sink = Sink(source_id, on_batch=writer)
        try:
            reader.read(ctx, sink)
            sink.close()
        except UnreadableSource as exc:
            writer.abort()
            reports.append(SourceReport(rel, "failed", reader.name, error=str(exc)))
            return
        except Exception as exc:  # a reader bug must not lose the other files
            writer.abort()
            reports.append(SourceReport(rel, "failed", reader.name, error=_error_text(exc)))
            return
        writer.commit()
        fmt = sink.format_label or reader.name
        ok, bad = sink.rows_ok, sink.rows_rejected
        if (mismatch := _row_check(sink.rows_in, ok, bad)) is not None:
            sink.warn(mismatch)
        manifest.append(
            _source_row(
                source_id,
                rel,
                sha,
                fmt,
                ok,
                bad,
                self.auth,
                sink.owner_account,
                sink.owner_person,
                sink.warnings,
                ctx.declared_owner,
                sink.rows_in,
            )
        )
        rejects.extend(_reject_rows(source_id, rel, sink.rejects))
        reports.append(
            SourceReport(
                rel,
                "ingested",
                fmt,
                ok,
                bad,
                sink.owner_person or sink.owner_account,
                list(sink.warnings),
                rows_in=sink.rows_in,
            )
        )


def ingest_case(
    case_dir: Path,
    registry: ReaderRegistry | None = None,
    progress: Progress | None = None,
    attach: AttachOptions | None = None,
) -> IngestReport:
    return CaseIngester(case_dir, registry, progress, attach).run()
