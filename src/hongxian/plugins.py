"""The one way to plug a piece into hongxian: a plug-in module has a ``register(target)`` function.

A package that accepts plug-ins lists its plug-in modules explicitly (imported by name, in the order
that matters: readers are sniffed in that order) and calls `register_all(target, modules)`. There is
no discovery by import strings and no silent skipping: a missing module fails at import time.

- detectors: ``register(registry: DetectorRegistry)`` in ``detect/<family>/<module>.py``;
- export readers: ``register(registry: ReaderRegistry)`` in ``ingest/<format>.py``;
- CLI command groups: ``register(app: typer.Typer)`` in ``cli/<name>_cmd.py``.

`Registry` is the named, ordered collection the detector and reader registries are built on.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from types import ModuleType
from typing import Generic, Protocol, TypeVar


class Named(Protocol):
    @property
    def name(self) -> str: ...


T = TypeVar("T", bound=Named)


class Registry(Generic[T]):
    """Plug-ins by name, in registration order; a second plug-in with the same name is an error."""

    kind = "plug-in"

    def __init__(self, items: Iterable[T] = ()):
        self._by_name: dict[str, T] = {}
        for item in items:
            self.register(item)

    def register(self, item: T) -> None:
        if item.name in self._by_name:
            raise ValueError(f"duplicate {self.kind} {item.name}")
        self._by_name[item.name] = item

    def get(self, name: str) -> T | None:
        return self._by_name.get(name)

    def names(self) -> list[str]:
        return sorted(self._by_name)

    def __iter__(self) -> Iterator[T]:
        return iter(self._by_name.values())

    def __len__(self) -> int:
        return len(self._by_name)


def register_all(target: object, modules: Iterable[ModuleType]) -> None:
    """Call every module's ``register(target)``, in order."""
    for module in modules:
        module.register(target)
