"""The package layers, asserted from the code's own imports: every arrow points down.

A module may import from its own top-level unit and from units on lower layers, never from a unit
on its own layer or above. Imports inside functions count too. Packages with one public door are
imported only through it from outside.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[1] / "src" / "hongxian"

LAYERS: list[set[str]] = [
    {
        "schema",
        "labels",
        "ids",
        "settings",
        "case",
        "plugins",
        "normalize",
        "calendar",
        "textsafe",
        "__init__",
    },
    {"canonical"},
    {"pii", "rulebook", "dataset", "store"},
    {"ingest", "detect"},
    {"screen", "selfcheck", "training", "review", "testing"},
    {"report", "spark"},
    {"web", "demo"},
    {"cli"},
]
LAYER_OF = {unit: i for i, units in enumerate(LAYERS) for unit in units}
DOORS = ("hongxian.detect.text", "hongxian.pii")
"""Packages whose modules outside the package import only the package itself (its __init__)."""
DETECTOR_FAMILIES = ("text", "payments", "groups")


def _unit(path: Path) -> str:
    return path.relative_to(SRC).parts[0].removesuffix(".py")


def _imports(path: Path) -> Iterator[tuple[int, str]]:
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            yield node.lineno, node.module
        elif isinstance(node, ast.Import):
            yield from ((node.lineno, a.name) for a in node.names)


def _modules() -> list[Path]:
    return sorted(SRC.rglob("*.py"))


def test_every_unit_has_a_layer() -> None:
    units = {_unit(p) for p in _modules()}
    assert units - set(LAYER_OF) == set(), "add new top-level modules or packages to LAYERS"


@pytest.mark.parametrize("path", _modules(), ids=lambda p: str(p.relative_to(SRC)))
def test_imports_point_down(path: Path) -> None:
    here = _unit(path)
    bad = []
    for line, module in _imports(path):
        parts = module.split(".")
        if parts[0] != "hongxian" or len(parts) < 2 or parts[1] == here:
            continue
        if LAYER_OF[parts[1]] >= LAYER_OF[here]:
            bad.append(
                f"{path.relative_to(SRC)}:{line} imports {module} "
                f"(layer {LAYER_OF[parts[1]]} ≥ {LAYER_OF[here]})"
            )
    assert not bad, "\n".join(bad)


@pytest.mark.parametrize("path", _modules(), ids=lambda p: str(p.relative_to(SRC)))
def test_packages_are_entered_through_their_door(path: Path) -> None:
    dotted = "hongxian." + ".".join(path.relative_to(SRC).with_suffix("").parts)
    bad = []
    for line, module in _imports(path):
        for door in DOORS:
            if module.startswith(door + ".") and not dotted.startswith(door + "."):
                bad.append(f"{path.relative_to(SRC)}:{line} imports {module}; use {door}")
    assert not bad, "\n".join(bad)


@pytest.mark.parametrize("family", DETECTOR_FAMILIES)
def test_detector_families_do_not_import_each_other(family: str) -> None:
    others = [f for f in DETECTOR_FAMILIES if f != family]
    bad = [
        f"{path.relative_to(SRC)}:{line} imports {module}"
        for path in sorted((SRC / "detect" / family).rglob("*.py"))
        for line, module in _imports(path)
        if any(module.startswith(f"hongxian.detect.{o}") for o in others)
    ]
    assert not bad, "\n".join(bad)
