"""Detect stage: detectors that the rulebook's checks configure.

Every detector module has ``register(registry)`` (`hongxian.plugins`); each detector family lists its
modules in ``PLUGINS`` and `default_registry` registers them all.
"""

from __future__ import annotations

from hongxian.detect import groups, payments, text
from hongxian.detect.base import DetectorRegistry
from hongxian.plugins import register_all


def default_registry() -> DetectorRegistry:
    registry = DetectorRegistry()
    for family in (groups, payments, text):
        register_all(registry, family.PLUGINS)
    return registry
