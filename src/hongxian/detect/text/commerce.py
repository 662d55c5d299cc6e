"""`integrity.commerce`: selling and promotion by officials (代购、微商、包邮、现价/原价、扫码付款 …).

Scored keywords (`KeywordParams`) plus a price pattern (``原价199现价99``, ``88元/盒``). The sender
matters: an official (people.is_official via accounts.person_id or people.wechat_ids) raises the
severity; a sender registered as *not* an official is outside the rule and does not fire; an
unregistered sender fires at the check's severity with a note.
"""

from __future__ import annotations

import re

from pydantic import Field

from hongxian.detect.text.explain import quoted
from hongxian.detect.text.rules import KeywordParams, keyword_verdict, raise_severity, rule_keywords
from hongxian.detect.text.spec import EvalInput, TextSpec, Verdict

_UNIT = "斤|盒|箱|瓶|件|套|个|袋|份|只|支|罐|提|条|桶"
_CN = "[一二两三四五六七八九]?[十百千][一二两三四五六七八九十]?"
"""A Chinese-numeral amount with a place word (五十, 一百二, 三百八): 一百二一斤, 一盒五十."""
PRICE = re.compile(
    rf"(?:[¥￥]\s*\d+(?:\.\d+)?|\d+(?:\.\d+)?\s*(?:元|块)\s*(?:/|一|每)?\s*(?:{_UNIT})"
    r"|\d+(?:\.\d+)?\s*元\s*\d+\s*(?:斤|盒|箱|瓶|袋|个)"
    rf"|(?<![\d.])\d+(?:\.\d+)?\s*(?:一|每)\s*(?:{_UNIT})"
    rf"|(?:一|每)\s*(?:{_UNIT})\s*(?:\d+\s*(?:{_UNIT})\s*)?\d+(?:\.\d+)?\s*(?:元|块)?(?![\d.]|\s*(?:{_UNIT}|年|月|日|号|点|分|米|公里|人|次|%))"
    rf"|\d+\s*(?:{_UNIT}|片|粒)装\s*\d+"
    rf"|{_CN}\s*(?:元|块)?\s*(?:一|每)\s*(?:{_UNIT})(?![\u4e00-\u9fa5]{{0,1}}(?:人|次|天))"
    rf"|(?:一|每)\s*(?:{_UNIT}){_CN}\s*(?:元|块)?"
    rf"|(?:[一两二三四五六七八九十]|\d+(?:\.\d+)?)\s*(?:{_UNIT}|片|粒|公斤|千克|kg|KG|Kg|g|ml|L)装\s*(?:\d+|{_CN})"
    r"|(?:原价|现价|特价|售价|仅售|只要|仅需|吊牌价?|群友价|友情价|亲情价|到手价|专享价|内购价|福利价|面值|包月|包年|包季)\s*\d+"
    rf"|满\s*\d+\s*(?:元|块|{_UNIT})?\s*(?:送|减|包邮)"
    r"|(?:全场|一律|低至)\s*\d(?:\.\d)?\s*折)"
)
"""Unit prices (88元/盒, 38一斤, 一只150, 一箱6瓶1080, 10斤装68元, 原价299, 满3袋包邮, 一百二一斤, 一盒五十,
一斤装160, 吊牌1280, 包月380); the "/" in 88元/盒
is optional because normalisation drops separators between CJK characters."""


class CommerceParams(KeywordParams):
    price_weight: float = Field(default=0.5, description="added when a unit price appears (88元/盒, ¥99)")
    official_raise: int = Field(default=1, description="severity steps added for a registered official")
    skip_non_official: bool = True


def evaluate(inp: EvalInput[CommerceParams]) -> Verdict | None:
    p: CommerceParams = inp.params
    official = inp.env.is_official(inp.meta.sender)
    if official is False and p.skip_non_official:
        return None
    extra = p.price_weight if PRICE.search(inp.text) else 0.0
    verdict = keyword_verdict(inp, extra=extra)
    if verdict is None:
        return None
    if official:
        verdict.severity = raise_severity(verdict.severity, p.official_raise)
        person = inp.env.person_of(inp.meta.sender)
        if person is not None:
            verdict.note = f"发送人为公职人员（{person.org_unit or ''}{person.position or ''}）".replace(
                "（）", ""
            )
    elif official is None and not inp.env.assume_official:
        verdict.note = "发送人身份未在人员名单中登记，需核实是否为公职人员"
    return verdict


def phrase(field: str, labels: list[str]) -> str:
    return f"发布含{quoted(labels)}的推销信息"


SPEC = TextSpec(
    name="text.commerce",
    params_model=CommerceParams,
    keywords=rule_keywords,
    evaluate=evaluate,
    phrase=phrase,
    description="公职人员在微信中推销商品、从事微商代购等营利活动",
)
