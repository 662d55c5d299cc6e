"""`privacy.disclosure`: other people's IDs, mobiles, bank cards, detailed addresses, sensitive facts.

* Numbers come from the engine's digit-run candidates and must pass `pii` validation (check digit,
  region, birth date, Luhn, mobile prefixes) — an ID with a wrong check digit never fires.
* Context windows (characters before/after a number) raise or lower each hit: 身份证/卡号/住址 raise,
  订单号/交易单号/快递单号 veto, 我的/本人 (own data) and 客服/热线/联系人 (public contact) lower.
* A number equal to the sender's own registered phone is not "other people's" data.
* Addresses: a 路/街/小区 + number detail confirmed by cpca (province/city/district); residential
  details (小区/栋/单元/室) or a residence word (家住/住址) are needed.
* PIPL art. 28 sensitive facts (health, religion, whereabouts) count only about a named person.
Excerpts are masked (masking.py); labels name the kind of data, never its value.
"""

from __future__ import annotations

import re
from dataclasses import replace

from pydantic import Field

from hongxian.detect.base import Params
from hongxian.detect.text.explain import quoted
from hongxian.detect.text.names import SURNAMES
from hongxian.detect.text.rules import KeywordParams, confidence, max_severity, memo_score, rule_keywords
from hongxian.detect.text.spec import EvalInput, TextSpec, Verdict
from hongxian.labels import PII_KIND_ZH
from hongxian.pii import PiiKindName, find_addresses, numbers_in
from hongxian.schema import Severity

Kind = PiiKindName


_VILLAGE = re.compile(
    r"(?:[\u4e00-\u9fa5]{1,4}(?:镇|乡|街道))[\u4e00-\u9fa5]{1,4}(?:村|社区|屯)"
    r"(?:[一二三四五六七八九十\d]{1,3}(?:组|队|社))?\s*\d{1,4}\s*号"
)
"""A village address without a province/city (城南镇柳树村三组47号): cpca cannot anchor it, but a
town + village + house number is as identifying as a street address."""

_RESIDENCE = re.compile(
    r"(?:家就?住在?|住址[是为:：]?)[\u4e00-\u9fa5]{1,10}(?:路|街|巷|大道|小区|花园|家园|公寓|苑)"
    r"\s*(?:\d{1,5}\s*号\s*)?(?:院\s*)?\d{1,4}\s*(?:号楼|栋|幢|号院)\s*(?:\d{1,2}\s*(?:单元|门)\s*)?\d{2,4}"
)
"""A home address after a residence word without a province/city (家住在东湖路17号院2号楼1门401):
a street + building + flat number names one household even when cpca cannot anchor the district."""

_ABBREV_TITLE = re.compile(
    rf"(?<![这那一上下本每半当该前后某])[{SURNAMES}](?:局|总|处|科|所|站|队|院)(?![长里内外的])"
)
_AFTER_UNIT = re.compile(
    rf"(?:局|委|办|所|站|科|院|厅|队|室|镇|乡|村|的)([{SURNAMES}][\u4e00-\u9fa5]{{1,2}})$"
)


class LooseNames:
    """The shared `NameFinder` plus two spoken forms common in sensitive-fact gossip: a surname with an
    abbreviated title (周局, 王总, 李处) and a name right after a unit or 的 (交通局的孙国平, 水利站老罗)."""

    def __init__(self, base):
        self._base = base

    def near(self, text: str, start: int, end: int, window: int = 16) -> str | None:
        found = self._base.near(text, start, end, window)
        if found:
            return found
        m = _ABBREV_TITLE.search(text, max(0, start - window), min(len(text), end + window))
        if m:
            return m.group(0)
        m = _AFTER_UNIT.search(text[max(0, start - 8) : start])
        return m.group(1) if m else None


class PiiKind(Params):
    weight: float
    severity: Severity
    needs_context: bool = Field(default=False, description="fires only with a raising context word nearby")
    bare_prefixes: list[str] | None = Field(
        default=None,
        description="values with these prefixes fire without context; others need a raising word",
    )


class PiiContext(Params):
    name: str
    words: list[str] = Field(min_length=1)
    effect: float = 0.0
    before: int = 12
    after: int = 4
    kinds: list[Kind] | None = None
    veto: bool = Field(default=False, description="drop the hit outright (order numbers, 交易单号 …)")


class PrivacyParams(Params):
    kinds: dict[Kind, PiiKind]
    context: list[PiiContext] = Field(default_factory=list)
    address_words: list[str] = Field(default_factory=list, description="words that trigger an address check")
    sensitive: KeywordParams | None = None
    threshold: float = 0.5


def keywords(params: PrivacyParams, ri: int) -> dict[str, list[tuple]]:
    out = rule_keywords(params.sensitive, ri) if params.sensitive else {}
    for ci, c in enumerate(params.context):
        for w in c.words:
            out.setdefault(w, []).append(("p", ri, ci))
    for w in params.address_words:
        out.setdefault(w, []).append(("g", ri, -1))
    return out


def _context(params: PrivacyParams, hits, kind: str, s: int, e: int) -> tuple[float, bool, bool]:
    """(effect, vetoed, raised) of the context rules around a hit at [s, e)."""
    effect, raised = 0.0, False
    for ci, c in enumerate(params.context):
        if c.kinds is not None and kind not in c.kinds:
            continue
        if any(k == "p" and i == ci and hs >= s - c.before and he <= e + c.after for k, i, hs, he in hits):
            if c.veto:
                return 0.0, True, False
            effect += c.effect
            raised = raised or c.effect > 0
    return effect, False, raised


def _items(inp: EvalInput[PrivacyParams]) -> list[tuple[float, str, str, int, int]]:
    """(score, kind, severity, start, end) per validated number/address (for an address, `start` is
    where its detail begins: the province/city/district before it is not masked)."""
    p: PrivacyParams = inp.params
    found: list[tuple[Kind, int, int, str]] = []
    for cs, ce in inp.candidates:
        found.extend((h.kind, h.start, h.end, h.value) for h in numbers_in(inp.text, cs, ce))
    if any(k == "g" and i == -1 for k, i, _, _ in inp.hits):
        for a in find_addresses(inp.text, inp.locator):
            if a.residential or _context(p, inp.hits, "address", a.start, a.end)[2]:
                found.append(("address", a.admin_end, a.end, inp.text[a.start : a.end]))
        for rx in (_VILLAGE, _RESIDENCE):
            found.extend(
                ("address", m.start(), m.end(), m.group(0))
                for m in rx.finditer(inp.text)
                if not any(f[0] == "address" and f[1] <= m.start() < f[2] for f in found)
            )
    if not found:
        return []
    own = inp.env.own_phone(inp.meta.sender) if any(f[0] == "mobile" for f in found) else None
    out: list[tuple[float, str, str, int, int]] = []
    for kind, s, e, value in found:
        rule = p.kinds.get(kind)
        if rule is None or (kind == "mobile" and value == own):
            continue
        effect, vetoed, raised = _context(p, inp.hits, kind, s, e)
        needs = rule.needs_context or (
            rule.bare_prefixes is not None and not value.startswith(tuple(rule.bare_prefixes))
        )
        if vetoed or (needs and not raised):
            continue
        out.append((rule.weight + effect, kind, rule.severity, s, e))
    return out


def _sensitive_hits(hits):
    return [h for h in hits if h[0] != "p" and not (h[0] == "g" and h[1] == -1)]


def evaluate(inp: EvalInput[PrivacyParams]) -> Verdict | None:
    p: PrivacyParams = inp.params
    items = [it for it in _items(inp) if it[0] >= p.threshold - 1e-9]
    sens = None
    sensitive = p.sensitive
    sens_hits = _sensitive_hits(inp.hits) if sensitive is not None else None
    # most evaluations come from a digit run alone: no sensitive word to score
    if sensitive is not None and sens_hits:
        sens = memo_score(replace(inp, names=LooseNames(inp.names)), sensitive, sens_hits)
        if sens is not None and sens.score < sensitive.threshold - 1e-9:
            sens = None
    if not items and sens is None:
        return None
    labels = list(dict.fromkeys(PII_KIND_ZH[k] for _, k, _, _, _ in items))
    spans = [(s, e) for _, _, _, s, e in items]
    mask = [(s, e, k) for _, k, _, s, e in items]
    scores = [confidence(sc, p.threshold) for sc, *_ in items]
    severity = max_severity(*(sev for _, _, sev, _, _ in items))
    if sens is not None and sensitive is not None:  # a score only comes with sensitive words
        labels.extend(sorted(sens.groups))
        spans.extend(sens.spans)
        scores.append(confidence(sens.score, sensitive.threshold))
        severity = max_severity(severity, sens.severity or inp.bound.check.severity)
    return Verdict(max(scores), severity or inp.bound.check.severity, labels, sorted(spans), mask)


def phrase(field: str, labels: list[str]) -> str:
    where = "文件名中含" if field == "file_name" else "发送含"
    return f"{where}他人{quoted(labels)}的信息"


def wants_digits(params: PrivacyParams) -> bool:
    """A privacy rule that validates numbers needs the digit-run candidates."""
    return bool(params.kinds)


SPEC = TextSpec(
    name="text.privacy",
    params_model=PrivacyParams,
    keywords=keywords,
    evaluate=evaluate,
    phrase=phrase,
    digits=wants_digits,
    description="他人身份证号、手机号、银行卡号、详细住址及健康、宗教、行踪等敏感个人信息",
)
