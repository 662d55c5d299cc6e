"""`integrity.gambling` (text side): red-packet gambling (扫雷、中雷、牛牛、大小单双、上分/下分、返水 …)
and lottery/gambling promotion (时时彩、快三、11选5、一尾中特、六合彩、马彩、彩票平台 …).

Scored keywords: strong terms fire alone, weak ones (押金、接龙、下分) only together; exclusions
keep 租房押金 and 接龙报名 out.
"""

from __future__ import annotations

from hongxian.detect.text.explain import quoted
from hongxian.detect.text.rules import KeywordParams, keyword_verdict, rule_keywords
from hongxian.detect.text.suite import EvalInput, TextSpec, Verdict


class GamblingParams(KeywordParams):
    """Keyword rule for gambling checks."""


def evaluate(inp: EvalInput) -> Verdict | None:
    return keyword_verdict(inp)


def phrase(field: str, labels: list[str]) -> str:
    return f"发送含{quoted(labels)}的赌博相关内容"


SPEC = TextSpec(
    name="text.gambling",
    params_model=GamblingParams,
    keywords=rule_keywords,
    evaluate=evaluate,
    phrase=phrase,
    description="红包赌博（扫雷、接龙、牛牛等）与彩票赌博推广信息",
)
