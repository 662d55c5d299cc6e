"""``text.learned``: the learned scorer as a check, one per category (``secrecy.learned`` …).

A message the keyword rules did not flag becomes a finding when the model's probability for the
check's category reaches the calibrated threshold (`learned.model.Calibration`). The finding explains
itself: the probability and threshold, the lexical classes and class pairs (frames) and the text
spans that drove the score, highlighted in the evidence; it says that no rule word matched, so a
reviewer knows to read the message.
"""

from __future__ import annotations

import re

from pydantic import Field

from hongxian.detect.base import Params
from hongxian.detect.text.explain import quoted
from hongxian.detect.text.rules import TextField
from hongxian.detect.text.spec import EvalInput, TextSpec, Verdict
from hongxian.labels import CATEGORY_ZH
from hongxian.schema import Category

LEARNED = "text.learned"
TOP_REASONS = 4


class LearnedParams(Params):
    category: Category
    threshold: float | None = Field(
        default=None, ge=0.0, le=1.0, description="overrides the calibrated threshold of the model file"
    )
    veto: bool = Field(
        default=True,
        description="drop keyword-rule hits of this category on texts the model scores below its veto",
    )
    fields: list[TextField] = Field(default_factory=lambda: list[TextField](["text"]))
    min_chars: int = Field(default=4, ge=1, description="shorter texts are not scored")
    skip_non_official: bool = Field(
        default=False, description="commerce: a sender registered as not an official is outside the rule"
    )


def _keywords(params: LearnedParams, rule_idx: int) -> dict[str, list[tuple]]:
    return {}


def evaluate(inp: EvalInput[LearnedParams]) -> Verdict | None:
    p, view = inp.params, inp.model
    if view is None or inp.field not in p.fields or len(inp.text) < p.min_chars:
        return None
    prob, threshold = view.probs[p.category], view.thresholds[p.category]
    if prob < threshold:
        return None
    if p.skip_non_official and inp.env.is_official(inp.meta.sender) is False:
        return None
    if p.category == "privacy.disclosure" and _below_without_own_number(inp, threshold):
        return None
    expl = view.explain(p.category)
    reasons = [c.label for c in expl.contributions[:TOP_REASONS]]
    note = (
        f"文本模型（版本 {view.version}）判断属于「{CATEGORY_ZH[p.category]}」的概率为 {prob:.2f}"
        f"（阈值 {threshold:.2f}）；主要依据：{'、'.join(reasons) or '整体用语'}；"
        "未命中规则库中的具体词语，请结合上下文人工核实"
    )
    return Verdict(round(prob, 4), inp.bound.check.severity, reasons, expl.spans(), note=note)


def _below_without_own_number(inp: EvalInput[LearnedParams], threshold: float) -> bool:
    """A number equal to the sender's own registered phone is not other people's data: the text is
    scored again with that number blanked, and the learned privacy check fires only if it still
    reaches the threshold (as the keyword rule does, `TextEnv.own_phone`)."""
    digits = inp.env.own_phone(inp.meta.sender) or ""
    view = inp.model
    if len(digits) < 7 or view is None or view.rescore is None:
        return False
    blanked, found = re.compile(r"[\s\-]*".join(digits)).subn("", inp.text)
    return bool(found) and view.rescore(blanked)[inp.params.category] < threshold


def phrase(field: str, labels: list[str]) -> str:
    return (
        f"发送经文本模型判定的疑似违规内容（依据{quoted(labels)}）"
        if labels
        else "发送经文本模型判定的疑似违规内容"
    )


SPEC = TextSpec(
    name=LEARNED,
    params_model=LearnedParams,
    keywords=_keywords,
    evaluate=evaluate,
    phrase=phrase,
    description="文本模型（字符 n 元组与词类组合的线性模型）判定的疑似违规消息，未命中具体规则词语时使用",
)
