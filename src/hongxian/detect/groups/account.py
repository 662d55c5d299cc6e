"""`governance.account`: accounts presenting an official capacity that are not in the account register.

Signals: the account's own nickname / 微信号 / description names a unit (某局、某委、办公室、政府 …)
or a post (局长、主任、书记 …), or says 官方 / 政务; or its owner declares the capacity in a message
("我是县财政局局长"). A contact remark is the export owner's note, not the account's own
presentation, so it only corroborates. Registered accounts (accounts.csv → account_register) pass.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from pydantic import Field

from hongxian.detect.base import BoundCheck, DetectContext, Detector, DetectorRegistry, Params
from hongxian.detect.groups.common import SYSTEM_ACCOUNTS, CaseView, Normaliser, Person, excerpt, quoted
from hongxian.detect.groups.evidence import EvidenceList
from hongxian.schema import Evidence, Finding, Subject

SELF_FIELDS = {"nickname": "昵称", "alias": "微信号", "description": "个人简介"}
WEAK_FIELDS = {"remark": "备注名", "display_name": "显示名"}


class AccountParams(Params):
    post_cues: list[str] = [
        "局长",
        "处长",
        "科长",
        "厅长",
        "部长",
        "主任",
        "书记",
        "县长",
        "市长",
        "区长",
        "镇长",
        "乡长",
        "所长",
        "站长",
        "院长",
        "庭长",
        "检察长",
        "主席",
        "常委",
        "秘书长",
        "调研员",
        "民警",
        "警官",
        "法官",
        "检察官",
    ]
    unit_suffixes: list[str] = [
        "局",
        "厅",
        "委员会",
        "委",
        "办公室",
        "政府",
        "法院",
        "检察院",
        "派出所",
        "管委会",
        "街道办",
        "纪委",
        "监委",
        "党委",
        "人大",
        "政协",
    ]
    not_units: list[str] = [
        "饭局",
        "格局",
        "布局",
        "结局",
        "牌局",
        "赌局",
        "棋局",
        "出局",
        "骗局",
        "大局",
        "当局",
        "开局",
        "残局",
        "僵局",
        "终局",
        "邮局",
        "评委",
        "编委",
        "主委",
        "药局",
    ]
    official_cues: list[str] = ["官方", "政务", "发布"]
    declaration_pattern: str = r"(我是|本人是|本人系|我系|我作为|本人作为|我现任|本人现任|我担任|本人担任)"
    declaration_window: int = Field(14, ge=2, le=40)
    max_messages: int = Field(5, ge=1)


@dataclass
class Signals:
    account_id: str
    person: Person | None = None
    row: dict = field(default_factory=dict)
    self_cues: dict[str, list[str]] = field(default_factory=dict)
    weak_cues: dict[str, list[str]] = field(default_factory=dict)
    declarations: list = field(default_factory=list)
    units: bool = False
    posts: bool = False
    official: bool = False

    @property
    def person_official(self) -> bool:
        return self.person is not None and self.person.is_official

    def claims(self) -> list:
        """Declarations naming a post together with a unit (or by an official in people.csv)."""
        return [(row, phrase) for row, phrase, unit in self.declarations if unit or self.person_official]

    def presents(self) -> bool:
        return bool(self.claims()) or self.units or (self.posts and (self.person_official or self.official))


class CueFinder:
    def __init__(self, p: AccountParams):
        self.posts = re.compile("|".join(map(re.escape, p.post_cues)))
        self.units = re.compile(
            r"[\u4e00-\u9fff]{1,10}?(?:" + "|".join(map(re.escape, p.unit_suffixes)) + ")"
        )
        self.not_units = tuple(p.not_units)
        self.official = re.compile("|".join(map(re.escape, p.official_cues)))

    def unit_hits(self, text: str, post_spans: list[tuple[int, int]]) -> list[str]:
        """Unit names, except stop words (饭局) and a suffix that belongs to a post (张局长 → not 张局)."""
        return [
            m.group(0)
            for m in self.units.finditer(text)
            if m.group(0)[-2:] not in self.not_units and not any(s <= m.end() - 1 < e for s, e in post_spans)
        ]

    def scan(self, text: str) -> tuple[list[str], list[str], list[str]]:
        posts = list(self.posts.finditer(text))
        units = self.unit_hits(text, [m.span() for m in posts])
        return units, [m.group(0) for m in posts], self.official.findall(text)


def _scan_fields(sig: Signals, cues: CueFinder, norm: Normaliser) -> None:
    for col, zh in SELF_FIELDS.items():
        units, posts, official = cues.scan(norm(sig.row.get(col)))
        if units or posts or official:
            sig.self_cues[zh] = list(dict.fromkeys(units + posts + official))
            sig.units |= bool(units)
            sig.posts |= bool(posts)
            sig.official |= bool(official)
    own = {sig.row.get(col) for col in SELF_FIELDS}
    for col, zh in WEAK_FIELDS.items():
        if sig.row.get(col) in own:
            continue
        units, posts, _ = cues.scan(norm(sig.row.get(col)))
        if units or posts:
            sig.weak_cues[zh] = list(dict.fromkeys(units + posts))


def _declarations(ctx: DetectContext, p: AccountParams, cues: CueFinder, norm: Normaliser) -> dict[str, list]:
    table = ctx.dataset.sql(
        "SELECT message_id, chat_id, sender_account, ts, text FROM messages WHERE text IS NOT NULL "
        "AND sender_account IS NOT NULL AND regexp_matches(text, ?) ORDER BY ts, message_id",
        [p.declaration_pattern.replace("系", "[系係]")],
    )
    decl = re.compile(p.declaration_pattern)
    out: dict[str, list] = {}
    for r in table.to_pylist():
        text = norm(r["text"])
        for m in decl.finditer(text):
            tail = text[m.end() : m.end() + p.declaration_window]
            tail = re.split(r"[，。！？,.!?\n；;]", tail)[0]
            units, posts, _ = cues.scan(tail)
            if posts:
                out.setdefault(r["sender_account"], []).append(
                    (r, text[m.start() : m.end() + len(tail)], bool(units))
                )
                break
    return out


def _skip(account_id: str) -> bool:
    return (
        not account_id
        or account_id in SYSTEM_ACCOUNTS
        or account_id.endswith("@chatroom")
        or account_id.startswith(("gh_", "wxname:"))
    )


def _registered(ctx: DetectContext) -> set[str]:
    return {r["account"] for r in ctx.dataset["account_register"].to_pylist() if r["account"]}


def collect(ctx: DetectContext, p: AccountParams) -> list[Signals]:
    view = CaseView.build(ctx.dataset)
    norm, cues = view.normalise, CueFinder(p)
    decl = _declarations(ctx, p, cues, norm)
    registered = _registered(ctx)
    out = []
    for acc in sorted(set(view.accounts) | set(decl)):
        row = view.accounts.get(acc) or {}
        if _skip(acc) or acc in registered or (row.get("alias") or "") in registered:
            continue
        sig = Signals(
            acc, view.person_of(acc) or view.person_of(row.get("alias")), row, declarations=decl.get(acc, [])
        )
        _scan_fields(sig, cues, norm)
        if sig.presents():
            out.append(sig)
    return out


def _account_label(sig: Signals) -> str:
    row = sig.row
    bits = [f"{zh}“{row[col]}”" for col, zh in (("alias", "微信号"), ("nickname", "昵称")) if row.get(col)]
    return f"账号 {sig.account_id}" + (f"（{'，'.join(bits)}）" if bits else "，")


def explain(sig: Signals, has_register: bool) -> str:
    parts = [f"{zh}含{quoted(words)}" for zh, words in sig.self_cues.items()]
    claims = sig.claims()
    if claims:
        first = claims[0][0]["ts"]
        parts.append(f"在聊天中 {len(claims)} 次自称职务身份（{first:%Y-%m-%d} 首次：“{claims[0][1]}”）")
    parts += [f"{zh}含{quoted(words)}（对方设置，仅作佐证）" for zh, words in sig.weak_cues.items()]
    text = f"{_account_label(sig)}以职务身份示人：" + "；".join(parts)
    if sig.person is not None:
        text += f"。对应人员：{sig.person.label()}"
    if has_register:
        return text + "。该账号未在职务身份账号登记表（accounts.csv）中登记，未见向党组织报告的记录。"
    return text + "。案件未提供职务身份账号登记表（accounts.csv），无法确认该账号已向党组织报告。"


def _evidence(sig: Signals, p: AccountParams) -> list[Evidence]:
    ev = EvidenceList()
    if sig.row:
        cues = "；".join(f"{zh}含{quoted(w)}" for zh, w in {**sig.self_cues, **sig.weak_cues}.items())
        ev.add(
            Evidence(
                table="accounts",
                id=sig.account_id,
                excerpt=sig.row.get("nickname") or None,
                note=cues or "账号资料",
            )
        )
    for row, phrase in sig.claims()[: p.max_messages]:
        at = row["text"].find(phrase)
        text, spans = excerpt(row["text"], [(at, at + len(phrase))] if at >= 0 else [])
        ev.add(
            Evidence(
                table="messages",
                id=row["message_id"],
                ts=row["ts"],
                excerpt=text,
                spans=spans,
                note="自称职务身份",
            )
        )
    if sig.person is not None:
        ev.add(Evidence(table="people", id=sig.person.person_id, note=sig.person.label()))
    return ev.items


def run(ctx: DetectContext, bound_checks: list[BoundCheck]) -> list[Finding]:
    findings = []
    has_register = ctx.dataset.has("account_register")
    for bound in bound_checks:
        p: AccountParams = bound.params
        for sig in collect(ctx, p):
            kinds = sum(bool(x) for x in (sig.units, sig.posts, sig.official, sig.claims(), sig.weak_cues))
            claims = sig.claims()
            name = sig.row.get("nickname") or sig.row.get("alias") or None
            findings.append(
                ctx.finding(
                    bound,
                    Subject(kind="account", id=sig.account_id, name=name),
                    _evidence(sig, p),
                    explain(sig, has_register),
                    min(1.0, 0.4 + 0.15 * kinds),
                    conduct_date=claims[0][0]["ts"] if claims else None,
                    related=[Subject(kind="person", id=sig.person.person_id, name=sig.person.name)]
                    if sig.person
                    else [],
                )
            )
    return findings


DETECTOR = Detector(
    name="governance.account",
    params_model=AccountParams,
    needs=(),
    any_of=("accounts", "messages"),
    run=run,
    description="以职务身份示人（昵称、微信号、简介含单位或职务，或在聊天中自称职务）但未登记报告的账号",
)


def register(registry: DetectorRegistry) -> None:
    registry.register(DETECTOR)
