"""One draft message against every text check: the engine behind the self-check (发前自检).

`TextChecker` compiles the text checks once (one automaton) and then checks single texts in well
under a millisecond of matching. The author is taken to be an official posting to a group (the
strictest reading): commerce checks apply, and nothing is known about work groups or elections.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from hongxian.detect.base import BoundCheck
from hongxian.detect.text.engine import DEFAULT_BACKEND
from hongxian.detect.text.env import MsgMeta, TextEnv
from hongxian.detect.text.learned.model import TextModel
from hongxian.detect.text.spec import Verdict
from hongxian.detect.text.specs import SPECS
from hongxian.detect.text.suite import CompiledSuite
from hongxian.pii import AddressLocator, mask_spans, pii_mask


@dataclass(frozen=True)
class CheckedHit:
    """One text check that fired on the draft."""

    bound: BoundCheck
    verdict: Verdict
    spans: list[tuple[int, int]]
    """Offsets in the text as typed (before normalisation)."""
    excerpt: str
    """The text with other people's personal data masked."""


def is_text_check(bound: BoundCheck) -> bool:
    return bound.check.detector in SPECS


class TextChecker:
    """The text checks among `bound`, compiled once."""

    def __init__(
        self, bound: Iterable[BoundCheck], backend: str = DEFAULT_BACKEND, model: TextModel | None = None
    ):
        text_bound = [b for b in bound if is_text_check(b)]
        self.suite = CompiledSuite.build(
            text_bound, SPECS, backend=backend, locator=AddressLocator(), prefilter_backend=None, model=model
        )
        self.env = TextEnv(assume_official=True)

    def check(self, text: str, when: datetime) -> list[CheckedHit]:
        """The checks that fire on `text` written at `when`, strongest first."""
        meta = MsgMeta("selfcheck", "selfcheck-author", "selfcheck@chatroom", when, True)
        hits = self.suite.evaluate([text], ["text"], lambda idx: dict.fromkeys(idx, meta), self.env)
        out = []
        for h in sorted(hits, key=lambda h: (-h.verdict.score, h.rule)):
            bound, _spec = self.suite.rules[h.rule]
            spans = [h.norm.span(s, e) for s, e in h.verdict.spans]
            masked = mask_spans(text, pii_mask(h.norm, h.verdict.mask))
            out.append(CheckedHit(bound, h.verdict, spans, masked))
        return out
