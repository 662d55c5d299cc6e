"""Detector name → `TextSpec` of every text detector (a module of its own: the self-check needs the
specs without the Arrow batch machinery of `detectors`)."""

from __future__ import annotations

from hongxian.detect.text import commerce, gambling, learned_check, privacy, secrecy, vote
from hongxian.detect.text.spec import TextSpec

SPECS: dict[str, TextSpec] = {
    m.SPEC.name: m.SPEC for m in (secrecy, privacy, commerce, gambling, vote, learned_check)
}
