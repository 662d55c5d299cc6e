"""Text detectors (secrecy, privacy, commerce, gambling, canvassing) sharing one keyword engine.

The package's door: `PLUGINS` (the detectors, registered through `hongxian.plugins`), `TextChecker`
(one draft against every text check, for the self-check), `run_text_checks` (a dataset's messages
against a set of text checks) and the learned scorer's model and training (`TextModel`,
`train_model`) and `TextSelector` (which messages of a batch hit, for engines that scan in
parts). Everything else in the package is internal.
"""

from __future__ import annotations

from hongxian.detect.text import detectors
from hongxian.detect.text.checker import CheckedHit, TextChecker, is_text_check
from hongxian.detect.text.detectors import run_text_checks
from hongxian.detect.text.learned.card import model_card
from hongxian.detect.text.learned.model import CATEGORIES as MODEL_CATEGORIES
from hongxian.detect.text.learned.model import MODEL_FILE, TextModel
from hongxian.detect.text.learned.train import TrainReport, load_training, train_model
from hongxian.detect.text.learned_check import LEARNED
from hongxian.detect.text.selection import TextSelector

PLUGINS = (detectors,)

__all__ = [
    "LEARNED",
    "MODEL_CATEGORIES",
    "MODEL_FILE",
    "PLUGINS",
    "CheckedHit",
    "TextChecker",
    "TextModel",
    "TextSelector",
    "TrainReport",
    "is_text_check",
    "load_training",
    "model_card",
    "run_text_checks",
    "train_model",
]
