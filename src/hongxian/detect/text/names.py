"""Is a named person mentioned near a hit? Heuristics for Chinese without an NER model.

A person counts as named when, within the window around a hit, the text has

* a name from the case's people register (`known` names), or
* a surname + 某/某某/X/XX/* (张某, 李某某), or
* a surname (+ up to two characters) + a title (王副局长, 李主任, 张建国同志), or
* 老/小 + surname (老王, 小李), or
* surname + one or two characters right before 被/已被/因/涉嫌 or the hit itself, after a clause
  boundary or 对/将/把/给/听说 (对张建国立案审查, 听说王强被留置了).

Surnames are the ~120 most common single-character ones, minus characters that are mostly
ordinary words (于, 师, 和, 全, 常 …) so that 对于/小于/师傅 do not look like names.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Protocol

SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蒋蔡余杜叶程苏魏吕丁"
    "任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武"
    "戴莫孔向汤岳柳鲁葛洪欧阎齐牛伍聂殷庞倪褚樊翟滕詹柯焦苗祝关郁卓蒙韩"
)
TITLES = (
    "副局长|局长|副处长|处长|副科长|科长|副主任|主任|副书记|书记|副县长|县长|副镇长|镇长|乡长|副市长|市长|"
    "区长|副部长|部长|厅长|院长|所长|站长|队长|经理|总经理|老师|医生|大夫|同志|师傅|校长|主席|村长|支书|"
    "组长|股长|会计|老板|董事长|干事|科员|委员|阿姨|大姐|大哥|先生|女士|老人|家属"
)
_S = f"[{SURNAMES}]"
_CJK = "[\u4e00-\u9fa5]"
_PATTERNS = [
    rf"{_S}(?:某某|某|XX|xx|X|x|\*\*|\*|○○|○|××|×)",
    rf"{_S}{_CJK}{{0,2}}?(?:{TITLES})",
    rf"(?<![{SURNAMES}])[老小]{_S}",
]
_MENTION = re.compile("|".join(f"(?:{p})" for p in _PATTERNS))
_BEFORE_HIT = re.compile(
    rf"(?:^|[，。；;,:：!！?？\s]|对|将|把|给|让|听说|据说|关于|经查|通知|同事|同学)({_S}{_CJK}{{1,2}})"
    rf"(?:被|已被|已经被|因|涉嫌|正在|目前|今天|昨天|已|的)?$"
)

_AFTER_HIT = re.compile(rf"(?:是|叫|就是|为|:|：)?\s*({_S}{_CJK}{{1,2}}?)(?:[，。,.!！?？\s吧了啊呢的]|$)")


class NameLookup(Protocol):
    """A `NameFinder`, or a wrapper adding spoken forms (privacy's `LooseNames`)."""

    def near(self, text: str, start: int, end: int, window: int = 16) -> str | None: ...


class NameFinder:
    """Finds person mentions; `known` are names from the case register (people.name)."""

    def __init__(self, known: Iterable[str] = ()):
        names = sorted({n for n in known if n and len(n) >= 2}, key=len, reverse=True)
        self._known = re.compile("|".join(map(re.escape, names))) if names else None

    def near(self, text: str, start: int, end: int, window: int = 16) -> str | None:
        """The first person mention within `window` characters around text[start:end], if any."""
        lo, hi = max(0, start - window), min(len(text), end + window)
        if self._known is not None:
            m = self._known.search(text, lo, hi)
            if m:
                return m.group(0)
        m = _MENTION.search(text, lo, hi)
        if m:
            return m.group(0)
        m = _BEFORE_HIT.search(text[max(0, start - 8) : start])
        if m:
            return m.group(1)
        m = _AFTER_HIT.match(text, end, min(len(text), end + 6))
        return m.group(1) if m else None
