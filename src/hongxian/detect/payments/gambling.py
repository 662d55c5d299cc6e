"""P3 — red-packet gambling (扫雷, 接龙, banker rounds, 上分/下分 memos) and the officials taking part.

Group level first: 扫雷 packets (face value and mine digits parsed from the blessing text), hits
(last fen digit of a received share is a mine digit), settlements (a payment of face × multiplier
to the packet's sender within ``settle_minutes``), 接龙 links with payments right after, banker
rounds (micro packets every few minutes with bets before and payouts after), deposits (押金 to
a mine-packet sender). Then each official's part in such a group: rounds played, packets sent as
organiser/banker, settlements paid or received. A gate requires settlement-like money
(``gate`` in the check): a family's 拼手气 or 接龙 "for luck" without settlements never fires.
"""

from __future__ import annotations

import pyarrow as pa
from pydantic import Field

from hongxian.detect.base import BoundCheck, DetectContext, Detector, DetectorRegistry
from hongxian.detect.payments import gambling_sql as q
from hongxian.detect.payments.common import Candidate, findings_of, group_rows
from hongxian.detect.payments.explain import span, total_phrase
from hongxian.detect.payments.features import like_any
from hongxian.detect.payments.frame import PaymentFrame, Relations, frame_of
from hongxian.detect.payments.scoring import ScoredParams, score
from hongxian.schema import Finding

MEMO_KEY = "（转账备注）"
COLS = "payment_id, ts, tsec, kind, amount_fen, memo, origin, returned"


class GamblingParams(ScoredParams):
    settle_minutes: int = Field(default=30, ge=1)
    multipliers: list[float] = Field(default_factory=lambda: [1.0, 1.1, 1.2, 1.5, 1.6, 1.8, 2.0])
    tolerance: float = Field(default=0.01, ge=0, le=0.2)
    chain_gap_minutes: int = Field(default=10, ge=1)
    micro_fen: int = Field(default=500, ge=1)
    micro_max_shares: int = Field(default=5, ge=1)
    banker_packets_per_hour: int = Field(default=6, ge=2)
    banker_minutes: int = Field(default=10, ge=1)
    deposit_words: list[str] = Field(default_factory=lambda: ["押金", "上分", "下分", "回分"])
    strong_words: list[str] = Field(
        default_factory=lambda: [
            "上分",
            "下分",
            "回分",
            "返水",
            "抽水",
            "下注",
            "押注",
            "扫雷",
            "牛牛",
            "庄家",
        ]
    )
    context_rows: int = Field(default=30, ge=0, description="每条线索附带的群内结算背景款项上限")


def _group_features(frame: PaymentFrame, p: GamblingParams) -> dict[str, dict]:
    rows = frame.rows(f"""
      WITH c AS (
        SELECT chat_id FROM hx_p3_pk WHERE mines IS NOT NULL UNION SELECT chat_id FROM hx_p3_chain
        UNION SELECT chat_id FROM hx_p3_bank
      ), mine AS (
        SELECT chat_id, COUNT(*) AS n FROM hx_p3_pk WHERE mines IS NOT NULL GROUP BY chat_id
      ), st AS (
        SELECT chat_id, COUNT(DISTINCT payment_id) AS n, SUM(on_hit) AS n_hit FROM hx_p3_settle
        GROUP BY chat_id
      ), ch AS (
        SELECT chat_id, COUNT(DISTINCT pk) AS links, COUNT(DISTINCT payment_id) AS pay FROM hx_p3_chain
        GROUP BY chat_id
      ), bk AS (
        SELECT chat_id, COUNT(DISTINCT payment_id) AS n FROM hx_p3_bank GROUP BY chat_id
      ), dep AS (
        SELECT pk.chat_id, COUNT(DISTINCT f.payment_id) AS n FROM
          (SELECT DISTINCT chat_id, sender FROM hx_p3_pk WHERE mines IS NOT NULL) pk
          JOIN hx_p3_xfer f ON f.dst = pk.sender
        WHERE {like_any("f.memo", p.deposit_words)} GROUP BY pk.chat_id)
      SELECT c.chat_id, COALESCE(mine.n, 0) AS grp_mine, COALESCE(st.n, 0) AS grp_settle,
             COALESCE(st.n_hit, 0) AS grp_settle_hit, COALESCE(ch.links, 0) AS grp_links,
             COALESCE(ch.pay, 0) AS grp_chain_pay, COALESCE(bk.n, 0) AS grp_bank,
             COALESCE(dep.n, 0) AS grp_deposit
      FROM c LEFT JOIN mine ON mine.chat_id = c.chat_id LEFT JOIN st ON st.chat_id = c.chat_id
      LEFT JOIN ch ON ch.chat_id = c.chat_id LEFT JOIN bk ON bk.chat_id = c.chat_id
      LEFT JOIN dep ON dep.chat_id = c.chat_id WHERE c.chat_id IS NOT NULL""")
    return {r["chat_id"]: r for r in rows}


def _participation_sql(t: Relations, p: GamblingParams) -> str:
    share = f"""SELECT o.person_id AS official, s.chat_id, s.pk, 'grab' AS role, s.hit,
        {COLS.replace("payment_id", "s.payment_id")}
        FROM hx_p3_share s JOIN {t.official} o ON o.person_id = s.grabber
        JOIN hx_p3_gchat g ON g.chat_id = s.chat_id"""
    sent = f"""SELECT o.person_id, k.chat_id, k.pk, 'send', 0,
        {", ".join("f." + c.strip() for c in COLS.split(","))}
        FROM hx_p3_pk k JOIN {t.official} o ON o.person_id = k.sender
        JOIN hx_p3_gchat g ON g.chat_id = k.chat_id
        JOIN hx_p3_rows f ON f.payment_id = k.send_id"""
    money = []
    for table, role in (("hx_p3_settle", "settle"), ("hx_p3_chain", "chain"), ("hx_p3_bank", "bank")):
        for side in ("payer", "payee"):
            money.append(f"""SELECT o.person_id, t.chat_id, NULL, '{role}', 0,
                {COLS.replace("payment_id", "t.payment_id")}
                FROM {table} t JOIN {t.official} o ON o.person_id = t.{side}
                JOIN hx_p3_gchat g ON g.chat_id = t.chat_id WHERE t.payment_id IS NOT NULL""")
    deposit = f"""SELECT o.person_id, k.chat_id, NULL, 'deposit', 0,
        {", ".join("f." + c.strip() for c in COLS.split(","))}
        FROM (SELECT DISTINCT chat_id, sender FROM hx_p3_pk WHERE mines IS NOT NULL) k
        JOIN hx_p3_gchat g ON g.chat_id = k.chat_id JOIN {t.flow} f ON f.dst = k.sender
        JOIN {t.official} o ON o.person_id = f.src WHERE {like_any("f.memo", p.deposit_words)}"""
    memo = [
        f"""SELECT o.person_id, '{MEMO_KEY}', NULL, 'memo', 0,
        {", ".join("f." + c.strip() for c in COLS.split(","))}
        FROM {t.flow} f JOIN {t.official} o ON o.person_id = f.{side}
        WHERE f.kind IN ('transfer', 'red_packet', 'qr') AND {like_any("f.memo", p.strong_words)}"""
        for side in ("src", "dst")
    ]
    return " UNION ALL ".join([share, sent, *money, deposit, *memo])


def _features(g: dict, rows: list[dict]) -> dict:
    roles: dict[str, set[str]] = {}
    for r in rows:
        roles.setdefault(r["role"], set()).add(r["payment_id"])
    rounds = {r["pk"] for r in rows if r["role"] in ("grab", "send") and r["pk"]}
    return {
        "grp_mine": g.get("grp_mine", 0),
        "grp_settle": g.get("grp_settle", 0),
        "grp_settle_hit": g.get("grp_settle_hit") or 0,
        "grp_links": g.get("grp_links", 0),
        "grp_chain_pay": g.get("grp_chain_pay", 0),
        "grp_bank": g.get("grp_bank", 0),
        "grp_deposit": g.get("grp_deposit", 0),
        "rounds": len(rounds),
        "organiser": len(roles.get("send", ())),
        "off_settle": len(roles.get("settle", ())),
        "off_bank": len(roles.get("bank", ())),
        "off_memo": len(roles.get("memo", ())),
        "off_deposit": len(roles.get("deposit", ())),
    }


def _summary(frame: PaymentFrame, official: str, chat: str, f: dict, rows: list[dict]) -> str:
    first, last = min(r["ts"] for r in rows), max(r["ts"] for r in rows)
    money = [r for r in rows if r["role"] != "grab"]
    if chat == MEMO_KEY:
        return (
            f"{span(first, last)} {frame.name(official)} 的收付款中有 {f['off_memo']} 笔"
            f"带“上分/下分”等赌博用语的备注，{total_phrase(rows)}"
        )
    parts = []
    if f["grp_mine"]:
        parts.append(
            f"扫雷雷包 {f['grp_mine']} 个、按面额倍数结算 {f['grp_settle']} 笔"
            f"（其中中雷后结算 {f['grp_settle_hit']} 笔）"
        )
    if f["grp_links"]:
        parts.append(f"接龙 {f['grp_links']} 轮、接龙后转账 {f['grp_chain_pay']} 笔")
    if f["grp_bank"]:
        parts.append(f"坐庄下注/派彩转账 {f['grp_bank']} 笔")
    if f["grp_deposit"]:
        parts.append(f"押金/上下分 {f['grp_deposit']} 笔")
    role = "发包（组织/坐庄）" if f["organiser"] else "参与"
    return (
        f"群 {chat} 存在红包赌博迹象：{'；'.join(parts)}。{span(first, last)} {frame.name(official)} {role} "
        f"{f['rounds']} 轮，抢包 {sum(r['role'] == 'grab' for r in rows)} 个，结算/下注类款项 "
        f"{len(money)} 笔，{total_phrase(money) if money else '无结算款项'}"
    )


def _prepare(frame: PaymentFrame, p: GamblingParams) -> None:
    con = frame.con
    con.execute(q.rows_sql(frame))
    con.execute(q.xfer_sql(frame))
    con.execute(q.packets_sql())
    con.execute(q.shares_sql(frame.dialect))
    con.execute(q.settle_sql(p.multipliers, p.tolerance, p.settle_minutes * 60))
    con.execute(q.chain_sql(p.chain_gap_minutes * 60, p.chain_gap_minutes * 60))
    con.execute(
        q.banker_sql(p.micro_fen, p.micro_max_shares, p.banker_packets_per_hour, p.banker_minutes * 60)
    )


def _gated(g: dict, p: GamblingParams) -> bool:
    return any((g.get(k) or 0) > 0 for k in p.gate) if p.gate else True


def run(ctx: DetectContext, bound_checks: list[BoundCheck]) -> list[Finding]:
    frame = frame_of(ctx)
    out: list[Finding] = []
    for bound in bound_checks:
        p: GamblingParams = bound.params
        _prepare(frame, p)
        groups = _group_features(frame, p)
        gambling = [c for c, g in groups.items() if _gated(g, p)]
        frame.con.register("hx_p3_gchat", pa.table({"chat_id": pa.array(gambling, pa.string())}))
        rows = group_rows(frame.rows(_participation_sql(frame.t, p)), "official", "chat_id")
        cands = []
        for (official, chat), rs in rows.items():
            feats = _features(groups.get(chat, {}), rs)
            card = score(feats, p)
            if card.fired:
                notes = {
                    r["payment_id"]: {
                        "grab": "抢包",
                        "send": "发包",
                        "settle": "结算",
                        "chain": "接龙后转账",
                        "bank": "下注/派彩",
                        "memo": "赌博用语备注",
                        "deposit": "押金/上分",
                    }[r["role"]]
                    for r in rs
                }
                context = _context(frame, chat, rs, p.context_rows)
                notes |= {r["payment_id"]: "群内其他结算（背景）" for r in context}
                cands.append(
                    Candidate(
                        official,
                        chat,
                        feats,
                        rs,
                        card,
                        _summary(frame, official, chat, feats, rs),
                        notes=notes,
                        context_rows=context,
                    )
                )
        out += findings_of(ctx, bound, frame, cands)
    return out


def _context(frame: PaymentFrame, chat: str, rows: list[dict], limit: int) -> list[dict]:
    """A sample of the group's other settlements, as background evidence."""
    if chat == MEMO_KEY or not limit:
        return []
    own = {r["payment_id"] for r in rows}
    ctx = frame.rows(
        f"SELECT DISTINCT {COLS} FROM hx_p3_settle WHERE chat_id = ? "
        f"ORDER BY tsec, payment_id LIMIT {limit + len(own)}",
        [chat],
    )
    return [r for r in ctx if r["payment_id"] not in own][:limit]


DETECTORS = [
    Detector(
        name="payments.gambling",
        params_model=GamblingParams,
        needs=("payments",),
        run=run,
        description="红包扫雷、接龙、坐庄等红包赌博及公职人员参与情况（须有结算类资金往来）",
    )
]


def register(registry: DetectorRegistry) -> None:
    for detector in DETECTORS:
        registry.register(detector)
