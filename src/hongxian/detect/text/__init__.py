"""Text detectors (secrecy, privacy, commerce, gambling, canvassing) sharing one keyword engine.

The package's door: `PLUGINS` (the detectors, registered through `hongxian.plugins`), `TextChecker`
(one draft against every text check, for the self-check) and `run_text_checks` (a dataset's messages
against a set of text checks). Everything else in the package is internal.
"""

from __future__ import annotations

from hongxian.detect.text import detectors
from hongxian.detect.text.checker import CheckedHit, TextChecker, is_text_check
from hongxian.detect.text.detectors import run_text_checks

PLUGINS = (detectors,)

__all__ = ["PLUGINS", "CheckedHit", "TextChecker", "is_text_check", "run_text_checks"]
