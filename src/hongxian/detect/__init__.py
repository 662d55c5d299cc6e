"""Detect stage: detectors that the rulebook's checks configure.

Every detector module has ``register(registry)`` (`hongxian.plugins`); each detector family lists its
modules in ``PLUGINS`` and `default_registry` registers them all.
"""

from __future__ import annotations

from hongxian.detect.base import DetectorRegistry
from hongxian.plugins import register_all


def default_registry() -> DetectorRegistry:
    """Every built-in detector. The families are imported here, not at package import, so that a
    light user of one family (the self-check imports only the text detectors) does not load the
    others' dependencies (DuckDB, the payment SQL)."""
    from hongxian.detect import groups, payments, text

    registry = DetectorRegistry()
    for family in (groups, payments, text):
        register_all(registry, family.PLUGINS)
    return registry
