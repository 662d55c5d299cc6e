"""Detect stage: detectors that the rulebook's checks configure.

Each detector module exposes ``DETECTORS: list[Detector]``; `default_registry` collects them.
"""

from __future__ import annotations

import importlib

from hongxian.detect.base import DetectorRegistry

DETECTOR_MODULES: tuple[str, ...] = (
    "hongxian.detect.groups",
    "hongxian.detect.payments",
    "hongxian.detect.text",
)


def default_registry() -> DetectorRegistry:
    registry = DetectorRegistry()
    for module_name in DETECTOR_MODULES:
        module = importlib.import_module(module_name)
        for detector in module.DETECTORS:
            registry.register(detector)
    return registry
