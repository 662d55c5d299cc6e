"""Per-application state: the review service, settings, case config and the lazily built self-checker."""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from hongxian.case import CaseConfig, CasePaths
from hongxian.review.casedata import CaseFacts
from hongxian.review.service import ReviewService
from hongxian.settings import Settings


@dataclass
class WebState:
    """Everything the routes need; one per app (``app.state.web``)."""

    case_dir: Path
    settings: Settings
    service: ReviewService
    case: CaseConfig
    rulebook: Any = None
    self_checker: Any = None
    _facts: Any = None
    _check_titles: dict[str, str] | None = None
    _facts_stamp: tuple = ()
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def get_rulebook(self):
        """The shipped rulebook, loaded on first use (≈2 s) unless one was passed in."""
        with self._lock:
            if self.rulebook is None:
                from hongxian.detect import default_registry
                from hongxian.rulebook.loader import load_rulebook

                self.rulebook = load_rulebook(default_registry().params_models())
            return self.rulebook

    def check_titles(self) -> dict[str, str]:
        """Check id → Chinese title: from the rulebook passed in, else read from the shipped check files
        (cheap; the full rulebook is not loaded for this)."""
        if self._check_titles is None:
            with self._lock:
                if self.rulebook is not None:
                    book = self.rulebook
                    self._check_titles = {i: c.title for c in book.checks for i in (c.id, *c.aliases)}
                else:
                    from hongxian.rulebook.titles import check_titles

                    self._check_titles = check_titles()
        return self._check_titles

    def get_self_checker(self):
        """One compiled `SelfChecker` per app: for the rulebook passed in, else the shipped one from the
        compiled cache (`hongxian.selfcheck.load_self_checker`, shared with ``hongxian check``)."""
        if self.self_checker is None:
            with self._lock:
                if self.self_checker is None:
                    from hongxian.selfcheck import SelfChecker, load_self_checker

                    book = self.rulebook
                    self.self_checker = SelfChecker(book) if book is not None else load_self_checker()
        return self.self_checker

    def get_facts(self) -> CaseFacts:
        """The case data behind evidence rows, reopened when the ingested tables change on disk."""
        state = CasePaths(self.case_dir).state
        files = sorted((state / "dataset").glob("*.parquet")) + sorted((state / "case").glob("*.parquet"))
        stamp = tuple((f.name, f.stat().st_mtime_ns) for f in files if f.is_file())
        with self._lock:
            if self._facts is None or stamp != self._facts_stamp:
                self._facts = CaseFacts.open(self.case_dir)
                self._facts_stamp = stamp
            return self._facts
