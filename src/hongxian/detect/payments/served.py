"""P1 — money accepted by an official from the people his duties serve (管理服务对象), fan-in.

Window: each 业务办理期 of the official (events.csv, 相关人员 or the official's 单位) padded by
``season_pad_days``; payments outside every season fall into a per-year off-season window.
Evidence features (txmon_anchors §4 P1): distinct served counterparties, accepted sum,
reciprocity (money sent back to them within ±``reciprocity_days``), in-season flag and
season/baseline ratio, amount shapes (200.00 packets, round transfers, repeated equal amounts),
returned transfers (mitigating). Kin are excluded.
"""

from __future__ import annotations

import pyarrow as pa
from pydantic import Field

from hongxian.calendar import event_windows
from hongxian.detect.base import BoundCheck, DetectContext, Detector, DetectorRegistry
from hongxian.detect.payments.common import Candidate, findings_of, group_rows, route_notes, route_phrase
from hongxian.detect.payments.explain import kind_counts, reciprocity_phrase, span, total_phrase
from hongxian.detect.payments.features import (
    LoanParams,
    Loans,
    back_rows,
    recip_ratio,
    reciprocity_sql,
    set_aside_loans,
)
from hongxian.detect.payments.frame import PaymentFrame, Relations, frame_of
from hongxian.detect.payments.scoring import ScoredParams, score
from hongxian.detect.payments.sql import in_list
from hongxian.schema import Finding


class ServedParams(ScoredParams, LoanParams):
    season_pad_days: int = Field(default=14, ge=0)
    reciprocity_days: int = Field(default=30, ge=0)
    kinds: list[str] = Field(default_factory=lambda: ["red_packet", "transfer", "gift_card", "qr"])
    max_packet_fen: int = 20000
    relation_label: str = "管理服务对象"


def _season_table(frame: PaymentFrame, pad: int) -> pa.Table:
    holders = {r["person_id"] for r in frame.ds["relations"].to_pylist() if r["relation"] == "管理服务对象"}
    rows = []
    for w in event_windows(frame.ds["events"], ["业务办理期"]):
        p = w.padded(pad, pad)
        officials = set(w.person_ids) | {
            o for o in holders if w.org_unit and (frame.people.get(o) or {}).get("org_unit") == w.org_unit
        }
        rows += [(o, w.key, w.name, p.start_sec, p.end_sec, (w.end - w.start).days + 1) for o in officials]
    names = ["official", "win_key", "win_name", "start_sec", "end_sec", "season_days"]
    types = [pa.string(), pa.string(), pa.string(), pa.int64(), pa.int64(), pa.int64()]
    return pa.table(
        {n: pa.array([r[i] for r in rows], t) for i, (n, t) in enumerate(zip(names, types, strict=True))}
    )


def _rows_sql(t: Relations, params: ServedParams) -> str:
    """Money from a served party (or his kin, spouse, employee) to the official (or his spouse, kin,
    特定关系人) while the relation holds; one row per payment, the direct route first."""
    direct = "CASE WHEN r.via_recipient IS NULL AND r.via_payer IS NULL THEN 0 ELSE 1 END"
    return f"""
    CREATE OR REPLACE TEMP TABLE hx_p1_rows AS
    SELECT * FROM (
      SELECT f.payment_id, f.ts, f.tsec, f.day_no, f.kind, f.amount_fen, f.memo, f.origin, f.returned,
             f.chat_id, r.cp, r.official, f.dst AS recipient, f.src AS payer, r.via_recipient, r.via_payer,
             COALESCE(s.win_key, 'Y' || CAST(EXTRACT(YEAR FROM f.ts) AS VARCHAR)) AS win_key,
             s.win_name, s.season_days,
             ROW_NUMBER() OVER (PARTITION BY f.payment_id
                                ORDER BY {direct}, s.start_sec NULLS LAST, r.official, r.cp) AS win_rn
      FROM {t.flow} f
      JOIN {t.route} r ON r.cp_class = 'served' AND r.recipient = f.dst AND r.payer = f.src
                      AND f.day_no >= r.start_day AND f.day_no <= r.end_day
      LEFT JOIN hx_p1_season s ON s.official = r.official AND f.tsec >= s.start_sec AND f.tsec < s.end_sec
      WHERE f.kind IN {in_list(params.kinds)}
    ) x WHERE win_rn = 1"""


def _features_sql(t: Relations, params: ServedParams) -> str:
    accepted = "CASE WHEN returned THEN 0 ELSE 1 END"
    return f"""
    WITH w AS (
      SELECT official, win_key, MIN(win_name) AS win_name, MIN(season_days) AS season_days,
             COUNT(DISTINCT CASE WHEN NOT returned THEN cp END) AS n_cp,
             SUM(CASE WHEN returned THEN 0 ELSE amount_fen END) AS sum_fen,
             SUM({accepted}) AS n_accepted, SUM(CASE WHEN returned THEN 1 ELSE 0 END) AS n_returned,
             SUM(CASE WHEN amount_fen IS NULL AND NOT returned THEN 1 ELSE 0 END) AS n_unknown,
             SUM(CASE WHEN NOT returned AND ((kind = 'red_packet' AND amount_fen = {params.max_packet_fen})
                      OR (kind <> 'red_packet' AND amount_fen % 10000 = 0)) THEN 1 ELSE 0 END) AS n_shaped,
             MIN(tsec) AS first_sec, MAX(tsec) AS last_sec
      FROM hx_p1_rows GROUP BY official, win_key
    ), eq AS (
      SELECT official, win_key, MAX(n) AS n_equal FROM (
        SELECT official, win_key, amount_fen, COUNT(*) AS n FROM hx_p1_rows
        WHERE NOT returned AND amount_fen IS NOT NULL GROUP BY official, win_key, amount_fen) e
      GROUP BY official, win_key
    ), back AS ({reciprocity_sql(t, "hx_p1_rows", params.reciprocity_days)}
    )
    SELECT w.*, eq.n_equal, back.back_fen, back.back_n FROM w
    LEFT JOIN eq ON eq.official = w.official AND eq.win_key = w.win_key
    LEFT JOIN back ON back.official = w.official AND back.win_key = w.win_key"""


def _baselines(wins: list[dict]) -> dict[str, float]:
    """Off-season accepted fen per day for each official."""
    off_sum: dict[str, int] = {}
    years: dict[str, set[str]] = {}
    season_days: dict[str, int] = {}
    for w in wins:
        o = w["official"]
        if w["win_key"].startswith("Y") and w["win_name"] is None:
            off_sum[o] = off_sum.get(o, 0) + (w["sum_fen"] or 0)
            years.setdefault(o, set()).add(w["win_key"])
        else:
            season_days[o] = season_days.get(o, 0) + (w["season_days"] or 0)
    return {
        o: off_sum.get(o, 0) / max(30, 365 * max(1, len(years.get(o, ()))) - season_days.get(o, 0))
        for o in {w["official"] for w in wins}
    }


def _features(w: dict, rate: float) -> dict:
    in_season = w["win_name"] is not None
    n_acc = w["n_accepted"] or 0
    sum_fen = w["sum_fen"] if n_acc and w["n_unknown"] < n_acc else None
    recip = recip_ratio(w["back_fen"], w["back_n"], sum_fen, n_acc)
    ratio = None
    if in_season and sum_fen is not None:
        ratio = min(100.0, sum_fen / (rate * (w["season_days"] or 1) + 100))
    return {
        "n_cp": w["n_cp"],
        "sum_yuan": None if sum_fen is None else sum_fen / 100,
        "recip": recip,
        "in_season": 1 if in_season else 0,
        "season_ratio": ratio,
        "n_unknown": w["n_unknown"],
        "shape_share": (w["n_shaped"] or 0) / n_acc if n_acc else None,
        "n_equal": w["n_equal"],
        "n_returned": w["n_returned"],
        "n_accepted": n_acc,
    }


def _summary(frame: PaymentFrame, w: dict, rows: list[dict], label: str) -> str:
    acc = [r for r in rows if not r["returned"]]
    first, last = min(r["ts"] for r in rows), max(r["ts"] for r in rows)
    season = f"（{w['win_name']}期间）" if w["win_name"] else ""
    text = (
        f"{span(first, last)}{season} {frame.name(w['official'])} 收到 {w['n_cp']} 名{label}"
        f"{kind_counts(acc)}，{total_phrase(acc)}，"
        f"{reciprocity_phrase(w['back_fen'], w['back_n'] or 0, w['sum_fen'])}"
    )
    if w["n_returned"]:
        text += f"；另有 {w['n_returned']} 笔已退还（减轻情节）"
    return text


def run(ctx: DetectContext, bound_checks: list[BoundCheck]) -> list[Finding]:
    frame = frame_of(ctx)
    out: list[Finding] = []
    for bound in bound_checks:
        p: ServedParams = bound.params
        frame.con.register("hx_p1_season", _season_table(frame, p.season_pad_days))
        frame.con.execute(_rows_sql(frame.t, p))
        loans = set_aside_loans(frame, "hx_p1_rows", p)
        wins = frame.rows(_features_sql(frame.t, p))
        rates = _baselines(wins)
        cands = {}
        for w in wins:
            card = score(_features(w, rates[w["official"]]), p)
            if card.fired:
                cands[(w["official"], w["win_key"])] = (w, card)
        rows = group_rows(frame.rows("SELECT * FROM hx_p1_rows"), "official", "win_key") if cands else {}
        back = back_rows(frame, "hx_p1_rows", list(cands), p.reciprocity_days)
        out += findings_of(
            ctx,
            bound,
            frame,
            [_candidate(frame, p, w, card, rows[k], back, loans) for k, (w, card) in cands.items()],
        )
    return out


def _candidate(
    frame: PaymentFrame, p: ServedParams, w: dict, card, rows: list[dict], back: dict, loans: Loans
) -> Candidate:
    key = (w["official"], w["win_key"])
    context = back.get(key, []) + loans.rows.get(key, [])
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
        _summary(frame, w, rows, p.relation_label) + route_phrase(frame, rows) + loans.phrase(key),
        related=[k for r in rows for k in (r["cp"], r["payer"], r["recipient"]) if k != w["official"]],
        context_rows=context,
        notes=notes,
    )


DETECTORS = [
    Detector(
        name="payments.served_party",
        params_model=ServedParams,
        needs=("payments",),
        run=run,
        description="管理服务对象向公职人员集中送红包/转账（业务办理期、回礼、金额形态）",
    )
]


def register(registry: DetectorRegistry) -> None:
    for detector in DETECTORS:
        registry.register(detector)
