"""`secrecy.leak`: classification marks, unpublished drafts, personnel, discipline and inspection matters.

Configured entirely by check params (`KeywordParams`): which words, in which fields, with which
weight and severity (绝密 critical, 机密 high, …), which context words raise the score (份号 near
the top, 先别外传, 还没公示) or lower it (公示, 网站消息, 公开征求意见), which phrases exclude a hit,
and which groups need a named person nearby (留置, 谈话函询). A term such as 「★10年」 after a mark
is added to the label.
"""

from __future__ import annotations

import re

from hongxian.detect.text.explain import quoted
from hongxian.detect.text.rules import KeywordParams, keyword_verdict, rule_keywords
from hongxian.detect.text.spec import EvalInput, TextSpec, Verdict

_TERM = re.compile(r"\s*(\d+\s*(?:年|个月|月|天)|长期)")
_MARK = re.compile(r"(?:绝密|机密|秘密)\s*[★☆*]$")


class SecrecyParams(KeywordParams):
    """Keyword rule for secrecy checks."""


def _label(text: str, s: int, e: int) -> str:
    word = text[s:e]
    if _MARK.search(word):
        m = _TERM.match(text, e)
        if m:
            return word + m.group(1).replace(" ", "")
    return word


def _outer_spans(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Drop spans inside a longer one (机密 inside 机密★)."""
    return [sp for sp in spans if not any(o != sp and o[0] <= sp[0] and sp[1] <= o[1] for o in spans)]


def evaluate(inp: EvalInput[SecrecyParams]) -> Verdict | None:
    verdict = keyword_verdict(inp)
    if verdict is None:
        return None
    verdict.spans = _outer_spans(verdict.spans)
    labels = list(dict.fromkeys(_label(inp.text, s, e) for s, e in verdict.spans))
    verdict.labels = labels or verdict.labels
    return verdict


def phrase(field: str, labels: list[str]) -> str:
    marks = [x for x in labels if "★" in x or "☆" in x or "*" in x]
    if field == "file_name":
        return f"发布标有{quoted(labels)}的文件"
    if marks:
        return f"发送含{quoted(labels)}密级标志的内容"
    return f"发送含{quoted(labels)}的未公开事项信息"


SPEC = TextSpec(
    name="text.secrecy",
    params_model=SecrecyParams,
    keywords=rule_keywords,
    evaluate=evaluate,
    phrase=phrase,
    description="密级标志、未定稿文件、干部人事、审查调查、巡视巡察等未公开事项（文本与文件名）",
)
