"""P5 — a bribe split into many maximum-size red packets (structuring).

Features per (official, day) over accepted red packets of the maximum size (default 199.00–200.00):
the most packets from one sender that day, the most from one sender in the 30 days up to that
day, distinct senders of such packets that day, a scripted regular rhythm (coefficient of
variation of the gaps below 0.3), and whether a sender is a served party. Flagged days of one
official within 30 days of each other form one finding. Kin are excluded. Needs amounts: with
chat records alone (no amounts) this typology cannot tell a maximum-size packet.
"""

from __future__ import annotations

from statistics import mean, pstdev

from pydantic import Field

from hongxian.detect.base import BoundCheck, DetectContext, Detector, DetectorRegistry
from hongxian.detect.payments.common import Candidate, findings_of, group_rows, route_notes, route_phrase
from hongxian.detect.payments.explain import span, yuan
from hongxian.detect.payments.frame import BUSINESS_KINDS, PaymentFrame, Relations, frame_of
from hongxian.detect.payments.scoring import ScoredParams, score
from hongxian.detect.payments.sql import in_list
from hongxian.schema import Finding


class SplittingParams(ScoredParams):
    min_fen: int = Field(default=19900, ge=1)
    max_fen: int = Field(default=20000, ge=1)
    series_days: int = Field(default=30, ge=1)
    min_same_day: int = Field(default=3, ge=2, description="结构化的最低门槛：同一人单日封顶红包个数")
    min_senders_day: int = Field(default=3, ge=2, description="或：单日发封顶红包的人数")
    min_series: int = Field(default=8, ge=2, description="或：同一人 series_days 天内的个数")


def _structured(d: dict, p: SplittingParams) -> dict:
    """The day's features plus ``structured`` (1 when any structuring threshold is met)."""
    hit = (
        d["same_sender_day"] >= p.min_same_day
        or d["senders_day"] >= p.min_senders_day
        or d["same_sender_series"] >= p.min_series
    )
    return {**d, "structured": 1 if hit else 0}


def _rows_sql(t: Relations, p: SplittingParams) -> str:
    """Maximum-size packets to an official or into his spouse's/kin's account (there only from a
    served party, subordinate — or their proxies — or a business owner); family money left out."""
    return f"""
    CREATE OR REPLACE TEMP TABLE hx_p5_rows AS
    SELECT payment_id, ts, tsec, day_no, kind, amount_fen, memo, origin, returned, chat_id, sender, official,
           recipient, via_recipient, served FROM (
      SELECT f.payment_id, f.ts, f.tsec, f.day_no, f.kind, f.amount_fen, f.memo, f.origin, f.returned,
             f.chat_id, f.src AS sender, rc.official, f.dst AS recipient, rc.via AS via_recipient,
             CASE WHEN r.cp_class = 'served' THEN 1 ELSE 0 END AS served,
             ROW_NUMBER() OVER (PARTITION BY f.payment_id
                                ORDER BY CASE WHEN rc.via IS NULL THEN 0 ELSE 1 END,
                                         CASE WHEN r.cp_class = 'served' THEN 0 ELSE 1 END,
                                         rc.official, r.cp) AS rn
      FROM {t.flow} f
      JOIN {t.recipient} rc ON rc.recipient = f.dst
      LEFT JOIN {t.family} k1 ON k1.a = rc.official AND k1.b = f.src
      LEFT JOIN {t.family} k2 ON k2.a = rc.recipient AND k2.b = f.src
      LEFT JOIN {t.route} r ON r.official = rc.official AND r.recipient = f.dst AND r.payer = f.src
      LEFT JOIN {t.person_kind} pk ON pk.person_id = f.src
      WHERE k1.a IS NULL AND k2.a IS NULL AND f.kind = 'red_packet' AND NOT f.returned
        AND f.src <> f.dst AND f.src <> rc.official
        AND f.amount_fen >= {p.min_fen} AND f.amount_fen <= {p.max_fen}
        AND (rc.via IS NULL OR r.official IS NOT NULL OR pk.identity_kind IN {in_list(BUSINESS_KINDS)})
    ) x WHERE rn = 1"""


def _days_sql(p: SplittingParams) -> str:
    return f"""
    WITH d AS (
      SELECT official, sender, day_no, COUNT(*) AS n, MAX(served) AS served
      FROM hx_p5_rows GROUP BY official, sender, day_no
    ), s AS (
      SELECT a.official, a.sender, a.day_no, a.n, a.served, SUM(b.n) AS n_series
      FROM d a JOIN d b ON b.official = a.official AND b.sender = a.sender
                       AND b.day_no <= a.day_no AND b.day_no > a.day_no - {p.series_days}
      GROUP BY a.official, a.sender, a.day_no, a.n, a.served
    )
    SELECT official, day_no, MAX(n) AS same_sender_day, MAX(n_series) AS same_sender_series,
           COUNT(*) AS senders_day, SUM(served) AS served_senders
    FROM s GROUP BY official, day_no"""


def _regular(rows: list[dict]) -> int:
    """1 when some sender's packets come at a scripted rhythm (gap CV < 0.3, ≥ 4 packets)."""
    for sender_rows in group_rows(rows, "sender").values():
        times = sorted(r["tsec"] for r in sender_rows)
        gaps = [b - a for a, b in zip(times, times[1:], strict=False)]
        if len(gaps) >= 3 and mean(gaps) > 0 and pstdev(gaps) / mean(gaps) < 0.3:
            return 1
    return 0


def _clusters(days: list[dict], gap: int) -> list[list[dict]]:
    out: list[list[dict]] = []
    for d in sorted(days, key=lambda d: (d["official"], d["day_no"])):
        if out and out[-1][-1]["official"] == d["official"] and d["day_no"] - out[-1][-1]["day_no"] < gap:
            out[-1].append(d)
        else:
            out.append([d])
    return out


def _candidate(frame: PaymentFrame, p: SplittingParams, days: list[dict], rows: list[dict]) -> Candidate:
    official = days[0]["official"]
    lo, hi = days[0]["day_no"] - p.series_days + 1, days[-1]["day_no"]
    rs = [r for r in rows if lo <= r["day_no"] <= hi]
    feats = _structured(
        {
            k: max(d[k] for d in days)
            for k in ("same_sender_day", "same_sender_series", "senders_day", "served_senders")
        },
        p,
    )
    feats["regular"] = _regular(rs)
    card = score(feats, p)
    senders = sorted({r["sender"] for r in rs})
    first, last = min(r["ts"] for r in rs), max(r["ts"] for r in rs)
    summary = (
        f"{span(first, last)} {frame.name(official)} 收到 {len(senders)} 人发来的 "
        f"{yuan(p.max_fen)} 元封顶红包 {len(rs)} 个，合计 {yuan(sum(r['amount_fen'] for r in rs))} 元；"
        f"单日同一人最多 {feats['same_sender_day']} 个，单日最多 {feats['senders_day']} 人"
    )
    summary += route_phrase(frame, rs)
    related = senders + [r["recipient"] for r in rs if r["recipient"] != official]
    return Candidate(
        official,
        f"d{days[0]['day_no']}",
        feats,
        rs,
        card,
        summary,
        related=related,
        notes=route_notes(frame, rs),
    )


def run(ctx: DetectContext, bound_checks: list[BoundCheck]) -> list[Finding]:
    frame = frame_of(ctx)
    out: list[Finding] = []
    for bound in bound_checks:
        p: SplittingParams = bound.params
        frame.con.execute(_rows_sql(frame.t, p))
        fired = [d for d in frame.rows(_days_sql(p)) if score({**_structured(d, p), "regular": 0}, p).fired]
        if not fired:
            continue
        rows = group_rows(frame.rows("SELECT * FROM hx_p5_rows"), "official")
        cands = [_candidate(frame, p, c, rows[(c[0]["official"],)]) for c in _clusters(fired, p.series_days)]
        out += findings_of(ctx, bound, frame, cands)
    return out


DETECTORS = [
    Detector(
        name="payments.splitting",
        params_model=SplittingParams,
        needs=("payments",),
        run=run,
        description="同一人多次发封顶（200 元）红包或多人同日发封顶红包，化整为零",
    )
]


def register(registry: DetectorRegistry) -> None:
    for detector in DETECTORS:
        registry.register(detector)
