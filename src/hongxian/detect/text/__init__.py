"""Text detectors (secrecy, privacy, commerce, gambling, canvassing) sharing one keyword engine.

`SPECS` maps detector name → `TextSpec`; `DETECTORS` are the registered `Detector`s. `screen` runs
all text checks together through `run_text_checks` so every keyword is in one automaton.
"""

from __future__ import annotations

from hongxian.detect.text import commerce, gambling, privacy, secrecy, vote
from hongxian.detect.text.suite import TextSpec, make_detector

SPECS: dict[str, TextSpec] = {m.SPEC.name: m.SPEC for m in (secrecy, privacy, commerce, gambling, vote)}
DETECTORS = [make_detector(spec, SPECS) for spec in SPECS.values()]
TEXT_DETECTOR_NAMES = frozenset(SPECS)
