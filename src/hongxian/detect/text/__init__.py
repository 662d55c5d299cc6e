"""Text detectors (secrecy, privacy, commerce, gambling, canvassing) sharing one keyword engine.

The package's door: `PLUGINS` (the detectors, registered through `hongxian.plugins`), `TextChecker`
(one draft against every text check, for the self-check), `run_text_checks` (a dataset's messages
against a set of text checks) and the learned scorer's model and training (`TextModel`,
`train_model`). Everything else in the package is internal.

Names are imported when first used (PEP 562): `hongxian check` loads a compiled checker from its cache
and must not pay for the detectors, Arrow or training code it does not run.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from types import ModuleType

    from hongxian.detect.text.checker import CheckedHit, TextChecker, is_text_check
    from hongxian.detect.text.detectors import run_text_checks
    from hongxian.detect.text.learned.card import model_card
    from hongxian.detect.text.learned.model import CATEGORIES as MODEL_CATEGORIES
    from hongxian.detect.text.learned.model import MODEL_FILE, TextModel
    from hongxian.detect.text.learned.train import TrainReport, load_training, train_model
    from hongxian.detect.text.learned_check import LEARNED

    PLUGINS: tuple[ModuleType, ...]

_WHERE = {
    "CheckedHit": ("checker", "CheckedHit"),
    "TextChecker": ("checker", "TextChecker"),
    "is_text_check": ("checker", "is_text_check"),
    "run_text_checks": ("detectors", "run_text_checks"),
    "model_card": ("learned.card", "model_card"),
    "MODEL_CATEGORIES": ("learned.model", "CATEGORIES"),
    "MODEL_FILE": ("learned.model", "MODEL_FILE"),
    "TextModel": ("learned.model", "TextModel"),
    "TrainReport": ("learned.train", "TrainReport"),
    "load_training": ("learned.train", "load_training"),
    "train_model": ("learned.train", "train_model"),
    "LEARNED": ("learned_check", "LEARNED"),
}


def __getattr__(name: str) -> Any:
    if name == "PLUGINS":
        return (import_module(f"{__name__}.detectors"),)
    if name in _WHERE:
        module, attr = _WHERE[name]
        return getattr(import_module(f"{__name__}.{module}"), attr)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = [
    "LEARNED",
    "MODEL_CATEGORIES",
    "MODEL_FILE",
    "PLUGINS",
    "CheckedHit",
    "TextChecker",
    "TextModel",
    "TrainReport",
    "is_text_check",
    "load_training",
    "model_card",
    "run_text_checks",
    "train_model",
]
