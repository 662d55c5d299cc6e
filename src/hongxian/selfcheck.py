"""发前自检: check a draft message against every text check before sending it.

`SelfChecker` wraps `hongxian.detect.text.TextChecker` (the text checks compiled once) and adds what a
user reads: rule references in force on the day, Chinese labels and the suggestion. The CLI, the web
page and ``POST /api/check`` all use one checker. `load_self_checker` returns it compiled from a cache
keyed by the rulebook, the model and the program version (building takes about a second; loading the
cache a small fraction of that), so `hongxian check` answers at once. `self_check` is the one-call
convenience.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import sys
import tempfile
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from hongxian.detect.text import MODEL_FILE, TextChecker
from hongxian.labels import CATEGORY_ZH, SEVERITY_ZH
from hongxian.schema import RuleRef
from hongxian.textsafe import without_lone_surrogates

if TYPE_CHECKING:
    from hongxian.detect.base import DetectorRegistry

SHANGHAI = ZoneInfo("Asia/Shanghai")


@dataclass
class SelfCheckHit:
    check_id: str
    title: str
    category: str
    category_zh: str
    severity: str
    severity_zh: str
    score: float
    labels: list[str]
    spans: list[tuple[int, int]]
    """Offsets in the text as typed (before normalisation)."""
    excerpt: str
    """The text with other people's personal data masked."""
    rules: list[RuleRef]
    suggestion: str | None
    note: str | None = None
    rule_text: list[str] = field(default_factory=list)
    """Each rule as one Chinese line: 《规范》条号 标题."""

    def to_json_dict(self) -> dict:
        return {
            "check_id": self.check_id,
            "title": self.title,
            "category": self.category,
            "category_zh": self.category_zh,
            "severity": self.severity,
            "severity_zh": self.severity_zh,
            "score": self.score,
            "labels": self.labels,
            "spans": [list(s) for s in self.spans],
            "excerpt": self.excerpt,
            "rules": [r.model_dump(mode="json", exclude_none=True) for r in self.rules],
            "rule_text": self.rule_text,
            "suggestion": self.suggestion,
            "note": self.note,
        }


def rule_line(ref: RuleRef) -> str:
    return f"《{ref.code}》{ref.article}" + (f" {ref.title}" if ref.title else "")


class SelfChecker:
    """All text checks of a rulebook, compiled once."""

    def __init__(self, rulebook, registry: DetectorRegistry | None = None):
        bound = [b for b in rulebook.bound_checks() if registry is None or registry.get(b.check.detector)]
        self.checker = TextChecker(bound)
        text_ids = {b.check.id for b, _ in self.checker.suite.rules}
        self.rulebook = rulebook.restricted_to(text_ids)
        """Only what the text checks cite (a small object to cache and load)."""

    def check(self, text: str, on: date | None = None) -> list[SelfCheckHit]:
        when = datetime.now(SHANGHAI) if on is None else datetime(on.year, on.month, on.day, tzinfo=SHANGHAI)
        text = without_lone_surrogates(text)
        out = []
        for hit in self.checker.check(text, when):
            check, verdict = hit.bound.check, hit.verdict
            refs = self.rulebook.resolve_refs(check, when.date())
            out.append(
                SelfCheckHit(
                    check_id=check.id,
                    title=check.title,
                    category=check.category,
                    category_zh=CATEGORY_ZH[check.category],
                    severity=verdict.severity,
                    severity_zh=SEVERITY_ZH[verdict.severity],
                    score=verdict.score,
                    labels=verdict.labels,
                    spans=hit.spans,
                    excerpt=hit.excerpt,
                    rules=refs,
                    suggestion=check.suggestion,
                    note=verdict.note,
                    rule_text=[rule_line(r) for r in refs],
                )
            )
        return out


def self_check(text: str, rulebook, registry: DetectorRegistry | None = None) -> list[SelfCheckHit]:
    """Check one draft message; builds a `SelfChecker` (keep one instead when checking many)."""
    return SelfChecker(rulebook, registry).check(text)


CACHE_ENV = "HONGXIAN_CACHE_DIR"


def cache_dir() -> Path:
    """Where compiled self-checkers are kept: $HONGXIAN_CACHE_DIR, else $XDG_CACHE_HOME/hongxian, else
    ~/.cache/hongxian."""
    explicit = os.environ.get(CACHE_ENV)
    if explicit:
        return Path(explicit)
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "hongxian"


def _cache_key(rulebook_root: Path, model_file: Path) -> str:
    from hongxian import __version__

    h = hashlib.sha256(f"{__version__}|{sys.version}|".encode())
    package = Path(__file__).resolve().parent
    for source in sorted(package.rglob("*.py")):  # the pickled classes: any code change rebuilds
        st = source.stat()
        h.update(f"{source.relative_to(package)}|{st.st_size}|{st.st_mtime_ns}\0".encode())
    for path in sorted(rulebook_root.glob("*/*.yaml")) + [model_file]:
        h.update(path.relative_to(path.parent.parent).as_posix().encode() + b"\0")
        h.update(path.read_bytes() if path.is_file() else b"")
    return h.hexdigest()[:24]


def load_self_checker(cache: Path | None = None, use_cache: bool = True) -> SelfChecker:
    """The self-checker of the shipped rulebook and model, from the cache when it is current.

    A cache that cannot be read or written is ignored (the checker is then built each time)."""
    import hongxian.rulebook  # its folder, without the loader (YAML, Arrow) a cache hit never needs

    folder = cache or cache_dir()
    rulebook_root = Path(hongxian.rulebook.__file__).resolve().parent
    path = folder / f"selfcheck-{_cache_key(rulebook_root, MODEL_FILE)}.pickle"
    if use_cache and path.is_file():
        try:
            with open(path, "rb") as fh:
                checker = pickle.load(fh)
            if isinstance(checker, SelfChecker):
                return checker
        except Exception:  # a stale or damaged cache is rebuilt
            pass
    checker = _build_self_checker()
    if use_cache:
        _write_cache(folder, path, checker)
    return checker


def _build_self_checker() -> SelfChecker:
    from hongxian.detect import default_registry
    from hongxian.rulebook.loader import load_rulebook

    registry = default_registry()
    return SelfChecker(load_rulebook(registry.params_models()), registry)


def _write_cache(folder: Path, path: Path, checker: SelfChecker) -> None:
    try:
        folder.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=folder, prefix=".selfcheck-")
        with os.fdopen(fd, "wb") as fh:
            pickle.dump(checker, fh, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(tmp, path)
        for old in folder.glob("selfcheck-*.pickle"):
            if old != path:
                old.unlink(missing_ok=True)
    except OSError:
        pass
