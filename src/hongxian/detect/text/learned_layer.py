"""The learned scorer inside the text suite: scores, the texts it adds, vetoes and de-duplication.

Per batch, every text is scored (`score`); texts the model puts over a learned check's threshold
are sent down the exact path even without a keyword (`forced`). Per message, once every check has
given its verdict, `resolve` applies the model's judgement to the keyword rules of each category that
has a learned check: a rule hit on a text the model scores below the category's veto is dropped
(a warning that quotes the words, one's own number …), and the learned hit is dropped when a rule of
its category fired (the rule is the more specific finding).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from hongxian.detect.base import BoundCheck
from hongxian.detect.text.learned.model import CATEGORIES, Explanation, TextModel, default_model
from hongxian.detect.text.learned_check import LEARNED
from hongxian.detect.text.spec import ModelView, TextSpec, Verdict


@dataclass
class LearnedLayer:
    model: TextModel
    rule_of: dict[str, int]
    """Category → index (in the suite's rules) of its learned check."""
    category_of: list[str]
    """Rule index → category of every rule of the suite."""
    threshold: dict[str, float]
    veto: dict[str, float]

    @classmethod
    def build(
        cls, rules: list[tuple[BoundCheck, TextSpec]], model: TextModel | None = None
    ) -> LearnedLayer | None:
        learned = {b.params.category: ri for ri, (b, spec) in enumerate(rules) if spec.name == LEARNED}
        if not learned:
            return None
        model = model or default_model()
        cal = model.calibration
        threshold, veto = {}, {}
        for cat, ri in learned.items():
            params = rules[ri][0].params
            threshold[cat] = params.threshold if params.threshold is not None else cal.threshold[cat]
            veto[cat] = cal.veto[cat] if params.veto else 0.0
        categories: list[str] = [b.check.category for b, _ in rules]
        return cls(model, learned, categories, threshold, veto)

    def score(self, texts: list[str]) -> np.ndarray:
        """(n, categories) probabilities."""
        return self.model.score(texts) if texts else np.zeros((0, len(CATEGORIES)))

    def forced(self, probs: np.ndarray) -> np.ndarray:
        """Texts at or over the threshold of some learned check."""
        out = np.zeros(len(probs), dtype=bool)
        for cat, t in self.threshold.items():
            out |= probs[:, CATEGORIES.index(cat)] >= t
        return out

    def due(self, probs: np.ndarray) -> set[int]:
        """Learned checks (rule indices) whose threshold one text's probabilities reach."""
        return {self.rule_of[cat] for cat in self.due_categories(probs)}

    def due_categories(self, probs: np.ndarray) -> list[str]:
        """Categories of the learned checks whose threshold one text's probabilities reach."""
        return [cat for cat in self.rule_of if probs[CATEGORIES.index(cat)] >= self.threshold[cat]]

    def explain_due(self, items: list[tuple[str, np.ndarray]]) -> dict[tuple[str, str], Explanation]:
        """The explanations a batch's learned hits will ask for, (text, category) → explanation, computed
        in one vectorised pass (`items`: each text going down the exact path with its probabilities)."""
        pairs = {
            (text, cat): float(p[CATEGORIES.index(cat)])
            for text, p in items
            for cat in self.due_categories(p)
        }
        if not pairs:
            return {}
        texts, cats = zip(*pairs, strict=True)
        found = self.model.explain_many(list(texts), list(cats), probabilities=list(pairs.values()))
        return dict(zip(pairs, found, strict=True))

    def view(
        self, probs: np.ndarray, text: str, ready: dict[tuple[str, str], Explanation] | None = None
    ) -> ModelView:
        """What the model says of `text` (`ready`: explanations already computed for the batch)."""
        cache = ready if ready is not None else {}

        def explain(category: str) -> Explanation:
            key = (text, category)
            if key not in cache:
                cache[key] = self.model.explain(
                    text, category, probability=float(probs[CATEGORIES.index(category)])
                )
            return cache[key]

        def rescore(other: str) -> dict[str, float]:
            return {cat: float(p) for cat, p in zip(CATEGORIES, self.model.score([other])[0], strict=True)}

        return ModelView(
            {cat: float(probs[i]) for i, cat in enumerate(CATEGORIES)},
            self.threshold,
            explain,
            self.model.version,
            rescore,
        )

    def resolve(self, verdicts: list[tuple[int, Verdict]], probs: np.ndarray | None, field: str) -> list[int]:
        """Positions in `verdicts` (rule index and verdict of each check that fired on one message) to
        keep: rule hits the model does not veto, and learned hits of categories no rule hit kept."""
        learned = set(self.rule_of.values())
        kept = [
            k
            for k, (ri, v) in enumerate(verdicts)
            if ri not in learned and (v.in_context or not self._vetoed(self.category_of[ri], probs, field))
        ]
        rule_categories = {self.category_of[verdicts[k][0]] for k in kept}
        kept += [
            k
            for k, (ri, _) in enumerate(verdicts)
            if ri in learned and self.category_of[ri] not in rule_categories
        ]
        return sorted(kept)

    def _vetoed(self, category: str, probs: np.ndarray | None, field: str) -> bool:
        if category not in self.rule_of or probs is None or field != "text":
            return False
        return bool(probs[CATEGORIES.index(category)] < self.veto[category])
