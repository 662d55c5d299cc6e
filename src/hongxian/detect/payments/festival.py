"""P4 — festival and personal-event gift money from subordinates, served parties or business owners.

Windows: 春节 (腊月廿三 to 元宵), 端午, 中秋, 国庆 (library dates, widened to the statutory
break) and the official's own 个人事项 from events.csv (birthday, wedding, 升学宴 …) padded by
``personal_before_days`` / ``personal_after_days``. Counterparties: 下级 (relations), 管理服务对象,
and people whose 身份类别 is 企业人员 / 个体经营者. Kin are excluded; shares of group packets are
left out unless ``include_group_shares`` (a work group's 拼手气 at 春节 is not tribute); 群收款 (AA)
is never gift money. Features: subordinate direction, per-counterparty sum, counterparties,
recurrence across festivals or years, reciprocity, e-gift cards, memo cues (拜年 …).
"""

from __future__ import annotations

import pyarrow as pa
from pydantic import Field

from hongxian.calendar import CalendarWindow, FestivalSpec, event_windows, festival_windows, windows_table
from hongxian.detect.base import BoundCheck, DetectContext, Detector, DetectorRegistry
from hongxian.detect.payments.common import Candidate, findings_of, group_rows, route_notes, route_phrase
from hongxian.detect.payments.explain import kind_counts, reciprocity_phrase, span, total_phrase
from hongxian.detect.payments.features import (
    LoanParams,
    Loans,
    back_rows,
    like_any,
    recip_ratio,
    reciprocity_sql,
    set_aside_loans,
)
from hongxian.detect.payments.frame import BUSINESS_KINDS, PaymentFrame, Relations, frame_of
from hongxian.detect.payments.scoring import ScoredParams, score
from hongxian.detect.payments.sql import in_list
from hongxian.schema import Finding

CLASS_ZH = {"subordinate": "下级", "served": "管理服务对象", "business": "企业主/个体经营者"}


class FestivalParams(ScoredParams, LoanParams):
    festivals: list[str] = Field(default_factory=lambda: ["春节", "端午", "中秋", "国庆"])
    before_days: int = Field(default=7, ge=0)
    after_days: int = Field(default=3, ge=0)
    personal_before_days: int = Field(default=7, ge=0)
    personal_after_days: int = Field(default=3, ge=0)
    reciprocity_days: int = Field(default=30, ge=0)
    kinds: list[str] = Field(default_factory=lambda: ["red_packet", "transfer", "gift_card", "qr"])
    include_group_shares: bool = False
    cue_words: list[str] = Field(
        default_factory=lambda: [
            "拜年",
            "节日快乐",
            "一点心意",
            "买烟",
            "喝茶",
            "过节",
            "中秋快乐",
            "端午安康",
            "新年快乐",
        ]
    )
    repay_words: list[str] = Field(
        default_factory=lambda: [
            "饭钱",
            "AA",
            "还你",
            "还钱",
            "车费",
            "垫付",
            "代付",
            "油费",
            "门票",
            "还款",
            "借款",
        ]
    )


def _windows(frame: PaymentFrame, p: FestivalParams) -> pa.Table:
    span_row = frame.rows(f"SELECT MIN(ts) AS lo, MAX(ts) AS hi FROM {frame.t.flow}")[0]
    fest: list[CalendarWindow] = []
    if span_row["lo"] is not None:
        years = range(span_row["lo"].year, span_row["hi"].year + 2)
        fest = festival_windows(years, FestivalSpec(tuple(p.festivals), p.before_days, p.after_days))
    personal = [
        w.padded(p.personal_before_days, p.personal_after_days)
        for w in event_windows(frame.ds["events"], ["个人事项"])
    ]
    base = windows_table(fest + personal).to_pylist()
    owners = [None] * len(fest) + [(w.person_ids or (None,)) for w in personal]
    rows = []
    for w, who in zip(base, owners, strict=True):
        for official in who if who else (None,):
            rows.append({**w, "official": official})
    types = {
        "win_key": pa.string(),
        "win_name": pa.string(),
        "win_kind": pa.string(),
        "start_sec": pa.int64(),
        "end_sec": pa.int64(),
        "official": pa.string(),
    }
    return pa.table({k: pa.array([r[k] for r in rows], t) for k, t in types.items()})


def _rows_sql(t: Relations, p: FestivalParams) -> str:
    share = (
        ""
        if p.include_group_shares
        else "AND NOT (f.kind = 'red_packet' AND COALESCE(f.chat_id, '') LIKE '%@chatroom')"
    )
    kinds = in_list(p.kinds)
    direct = "CASE WHEN via_recipient IS NULL AND via_payer IS NULL THEN 0 ELSE 1 END"
    cls = f"""
      SELECT f.*, r.cp, r.official, r.cp_class, r.via_recipient, r.via_payer,
             CASE WHEN r.cp_class = 'subordinate' THEN 0 ELSE 1 END AS cls_rank
      FROM {t.flow} f
      JOIN {t.route} r ON r.recipient = f.dst AND r.payer = f.src
                      AND f.day_no >= r.start_day AND f.day_no <= r.end_day
      WHERE f.kind IN {kinds} {share}
      UNION ALL
      SELECT f.*, f.src, rc.official, 'business', rc.via, NULL, 2
      FROM {t.flow} f
      JOIN {t.recipient} rc ON rc.recipient = f.dst AND (rc.via IS NULL OR rc.via IN ('spouse', 'close'))
      JOIN {t.person_kind} pk ON pk.person_id = f.src AND pk.identity_kind IN {in_list(BUSINESS_KINDS)}
      LEFT JOIN {t.family} k1 ON k1.a = rc.official AND k1.b = f.src
      LEFT JOIN {t.family} k2 ON k2.a = rc.recipient AND k2.b = f.src
      WHERE k1.a IS NULL AND k2.a IS NULL AND f.src <> rc.official AND f.kind IN {kinds} {share}"""
    pick = """c.payment_id, c.ts, c.tsec, c.day_no, c.kind, c.amount_fen, c.memo, c.origin, c.returned,
              c.chat_id, c.cp, c.official, c.cp_class, c.dst AS recipient, c.src AS payer, c.via_recipient,
              c.via_payer, c.cls_rank, w.win_key, w.win_name, w.win_kind, w.start_sec"""
    return f"""
    CREATE OR REPLACE TEMP TABLE hx_p4_rows AS
    SELECT * FROM (
      SELECT x.*, ROW_NUMBER() OVER (PARTITION BY x.payment_id
                                     ORDER BY x.cls_rank, {direct}, x.start_sec,
                                              x.official, x.cp, x.win_key) AS win_rn FROM (
        SELECT {pick} FROM ({cls}) c JOIN hx_p4_win w
          ON w.official IS NULL AND c.tsec >= w.start_sec AND c.tsec < w.end_sec
        UNION ALL
        SELECT {pick} FROM ({cls}) c JOIN hx_p4_win w
          ON w.official = c.official AND c.tsec >= w.start_sec AND c.tsec < w.end_sec
      ) x
    ) y WHERE win_rn = 1"""


def _features_sql(t: Relations, p: FestivalParams) -> str:
    return f"""
    WITH per_cp AS (
      SELECT official, win_key, cp, SUM(CASE WHEN returned THEN 0 ELSE amount_fen END) AS cp_fen
      FROM hx_p4_rows GROUP BY official, win_key, cp
    ), recur AS (
      SELECT official, cp FROM hx_p4_rows WHERE NOT returned
      GROUP BY official, cp HAVING COUNT(DISTINCT win_key) >= 2
    ), w AS (
      SELECT official, win_key, MIN(win_name) AS win_name, MIN(win_kind) AS win_kind,
             COUNT(DISTINCT CASE WHEN NOT returned THEN cp END) AS n_cp,
             COUNT(DISTINCT CASE WHEN NOT returned AND cp_class = 'subordinate' THEN cp END) AS n_sub,
             COUNT(DISTINCT CASE WHEN NOT returned AND cp_class = 'served' THEN cp END) AS n_served,
             COUNT(DISTINCT CASE WHEN NOT returned AND cp_class = 'business' THEN cp END) AS n_business,
             SUM(CASE WHEN returned THEN 0 ELSE amount_fen END) AS sum_fen,
             SUM(CASE WHEN returned THEN 0 ELSE 1 END) AS n_accepted,
             SUM(CASE WHEN returned THEN 1 ELSE 0 END) AS n_returned,
             SUM(CASE WHEN amount_fen IS NULL AND NOT returned THEN 1 ELSE 0 END) AS n_unknown,
             SUM(CASE WHEN kind = 'gift_card' AND NOT returned THEN 1 ELSE 0 END) AS n_gift_cards,
             SUM(CASE WHEN {like_any("memo", p.cue_words)} THEN 1 ELSE 0 END) AS n_cues,
             SUM(CASE WHEN NOT returned AND {like_any("memo", p.repay_words)} THEN 1 ELSE 0 END) AS n_repay
      FROM hx_p4_rows GROUP BY official, win_key
    )
    SELECT w.*, m.max_cp_fen, r.n_recurring, back.back_fen, back.back_n FROM w
    LEFT JOIN (SELECT official, win_key, MAX(cp_fen) AS max_cp_fen FROM per_cp GROUP BY official, win_key) m
      ON m.official = w.official AND m.win_key = w.win_key
    LEFT JOIN (SELECT p.official, p.win_key, COUNT(DISTINCT p.cp) AS n_recurring FROM per_cp p
               JOIN recur ON recur.official = p.official AND recur.cp = p.cp GROUP BY p.official, p.win_key) r
      ON r.official = w.official AND r.win_key = w.win_key
    LEFT JOIN ({reciprocity_sql(t, "hx_p4_rows", p.reciprocity_days)}) back
      ON back.official = w.official AND back.win_key = w.win_key"""


def _features(w: dict) -> dict:
    n_acc = w["n_accepted"] or 0
    known = n_acc and w["n_unknown"] < n_acc
    return {
        "n_sub": w["n_sub"],
        "n_served": w["n_served"],
        "n_business": w["n_business"],
        "n_cp": w["n_cp"],
        "max_cp_yuan": (w["max_cp_fen"] or 0) / 100 if known else None,
        "sum_yuan": (w["sum_fen"] or 0) / 100 if known else None,
        "n_recurring": w["n_recurring"] or 0,
        "recip": recip_ratio(w["back_fen"], w["back_n"], w["sum_fen"] if known else None, n_acc),
        "n_gift_cards": w["n_gift_cards"],
        "n_cues": w["n_cues"],
        "n_returned": w["n_returned"],
        "n_unknown": w["n_unknown"],
        "n_accepted": n_acc,
        "repay_share": (w["n_repay"] or 0) / n_acc if n_acc else None,
    }


def _summary(frame: PaymentFrame, w: dict, rows: list[dict]) -> str:
    acc = [r for r in rows if not r["returned"]]
    first, last = min(r["ts"] for r in rows), max(r["ts"] for r in rows)
    classes = [
        f"{CLASS_ZH[c]} {w['n_' + k]} 人"
        for c, k in (("subordinate", "sub"), ("served", "served"), ("business", "business"))
        if w["n_" + k]
    ]
    label = f"{w['win_name']}（个人事项）" if w["win_kind"] == "personal" else w["win_name"]
    text = (
        f"{label}期间（{span(first, last)}）{frame.name(w['official'])} 收到"
        f"{'、'.join(classes)}的{kind_counts(acc)}，{total_phrase(acc)}，"
        f"{reciprocity_phrase(w['back_fen'], w['back_n'] or 0, w['sum_fen'])}"
    )
    if w["n_recurring"]:
        text += f"；其中 {w['n_recurring']} 人在多个节日/年份重复送款"
    if w["n_returned"]:
        text += f"；另有 {w['n_returned']} 笔已退还（减轻情节）"
    return text


def run(ctx: DetectContext, bound_checks: list[BoundCheck]) -> list[Finding]:
    frame = frame_of(ctx)
    out: list[Finding] = []
    for bound in bound_checks:
        p: FestivalParams = bound.params
        frame.con.register("hx_p4_win", _windows(frame, p))
        frame.con.execute(_rows_sql(frame.t, p))
        loans = set_aside_loans(frame, "hx_p4_rows", p)
        cands = {}
        for w in frame.rows(_features_sql(frame.t, p)):
            card = score(_features(w), p)
            if card.fired:
                cands[(w["official"], w["win_key"])] = (w, card)
        if not cands:
            continue
        rows = group_rows(frame.rows("SELECT * FROM hx_p4_rows"), "official", "win_key")
        back = back_rows(frame, "hx_p4_rows", list(cands), p.reciprocity_days)
        out += findings_of(
            ctx,
            bound,
            frame,
            [_candidate(frame, w, card, rows[k], back, loans) for k, (w, card) in cands.items()],
        )
    return out


def _candidate(frame: PaymentFrame, w: dict, card, rows: list[dict], back: dict, loans: Loans) -> Candidate:
    key = (w["official"], w["win_key"])
    notes = (
        {r["payment_id"]: "回礼（往来款）" for r in back.get(key, [])}
        | loans.notes
        | route_notes(frame, rows)
    )
    return Candidate(
        w["official"],
        w["win_key"],
        {},
        rows,
        card,
        _summary(frame, w, rows) + route_phrase(frame, rows) + loans.phrase(key),
        related=[k for r in rows for k in (r["cp"], r["payer"], r["recipient"]) if k != w["official"]],
        context_rows=back.get(key, []) + loans.rows.get(key, []),
        notes=notes,
    )


DETECTORS = [
    Detector(
        name="payments.festival_gifts",
        params_model=FestivalParams,
        needs=("payments",),
        run=run,
        description="节日、个人事项前后收受下级、管理服务对象或企业主的红包礼金（含电子礼品卡）",
    )
]


def register(registry: DetectorRegistry) -> None:
    for detector in DETECTORS:
        registry.register(detector)
