"""A rulebook of the shipped codes plus only some check files (tests of one detector family)."""

from __future__ import annotations

import shutil
from pathlib import Path

from hongxian.detect.base import DetectorRegistry
from hongxian.rulebook.loader import Rulebook, default_root, load_rulebook


def subset_rulebook(registry: DetectorRegistry, check_files: tuple[str, ...], folder: Path) -> Rulebook:
    """Copy the shipped codes and the named checks/*.yaml into ``folder`` and load them."""
    root = Path(folder)
    shutil.copytree(default_root() / "codes", root / "codes")
    (root / "checks").mkdir()
    for name in check_files:
        shutil.copy(default_root() / "checks" / name, root / "checks" / name)
    return load_rulebook(registry.params_models(), root)
