"""`integrity.gambling` (text side): red-packet gambling (扫雷、中雷、牛牛、大小单双、上分/下分、返水 …)
and lottery/gambling promotion (时时彩、快三、11选5、一尾中特、六合彩、马彩、彩票平台 …).

Scored keywords: strong terms fire alone, weak ones (押金、接龙、下分) only together; exclusions
keep 租房押金 and 接龙报名 out. An optional stake pattern (上分1000, 押500) adds `stake_weight`.
"""

from __future__ import annotations

import re
from functools import lru_cache

from pydantic import Field

from hongxian.detect.text.explain import quoted
from hongxian.detect.text.rules import KeywordParams, keyword_verdict, rule_keywords
from hongxian.detect.text.spec import EvalInput, TextSpec, Verdict


class GamblingParams(KeywordParams):
    """Keyword rule for gambling checks."""

    stake_pattern: str | None = Field(
        default=None,
        description="regex for a stake amount next to a betting word (上分1000); adds stake_weight",
    )
    stake_weight: float = 0.5


@lru_cache(maxsize=16)
def _compiled(pattern: str) -> re.Pattern:
    return re.compile(pattern)


def evaluate(inp: EvalInput[GamblingParams]) -> Verdict | None:
    p: GamblingParams = inp.params
    extra = p.stake_weight if p.stake_pattern and _compiled(p.stake_pattern).search(inp.text) else 0.0
    return keyword_verdict(inp, extra=extra)


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
