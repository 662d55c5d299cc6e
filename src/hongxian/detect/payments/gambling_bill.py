"""P3b — the shape of red-packet 扫雷 in bill rows alone (no chat: no blessing text, no mine digits).

A player's bill: a small red-packet share received from one sender, then, within
``settle_minutes``, a transfer back to that same sender larger than the share (the payout when
the share "hit the mine": 1–2× the packet's face, which the bill does not show). A layer's bill: a
group packet sent, then transfers to him from others of 1–2× its face within the same minutes.
Payouts are transfers: a received packet may be a share of someone's group packet (a bill does
not say), so it never counts as a payout. One such pair is a round; the shape is rounds repeated
over days. Each payment joins at most one round (a payment back pairs with the latest share
before it). Family 接龙 (a packet answered by a packet into the group) and reciprocated gifts
(equal packets, larger than a share) do not have this shape.
"""

from __future__ import annotations

import pyarrow as pa
from pydantic import Field

from hongxian.detect.base import BoundCheck, DetectContext, Detector, DetectorRegistry
from hongxian.detect.payments.common import Candidate, findings_of, group_rows
from hongxian.detect.payments.explain import span, yuan
from hongxian.detect.payments.frame import PaymentFrame, Relations, frame_of
from hongxian.detect.payments.scoring import ScoredParams, score
from hongxian.schema import Finding

PICK = "payment_id, ts, tsec, day_no, kind, amount_fen, memo, origin, returned, src, dst"


class BillShapeParams(ScoredParams):
    settle_minutes: int = Field(default=30, ge=1, description="抢包/发包后多少分钟内的转账视为赔付")
    max_share_fen: int = Field(default=5000, ge=1, description="视为红包份额的最大金额（分）")
    max_face_fen: int = Field(default=20000, ge=1, description="发出的雷包最大面额（分）")
    max_payout_fen: int = Field(default=40000, ge=1, description="赔付转账的最大金额（分）")
    min_multiple: float = Field(default=1.0, gt=0)
    max_multiple: float = Field(default=2.0, gt=0)
    tolerance: float = Field(default=0.01, ge=0, le=0.2)


def _player_sql(t: Relations, p: BillShapeParams) -> str:
    """Share from X to an official, then a transfer from him back to X, larger than the share."""
    win = p.settle_minutes * 60
    return f"""
    SELECT * FROM (
      SELECT 'player' AS side, s.dst AS official, s.src AS cp, s.payment_id AS lead_id,
             b.payment_id AS back_id,
             s.day_no, CAST(b.amount_fen AS DOUBLE) / s.amount_fen AS ratio,
             ROW_NUMBER() OVER (PARTITION BY b.payment_id ORDER BY s.tsec DESC, s.payment_id) AS rn_back,
             ROW_NUMBER() OVER (PARTITION BY s.payment_id ORDER BY b.tsec, b.payment_id) AS rn_lead
      FROM {t.flow} s
      JOIN {t.official} o ON o.person_id = s.dst
      JOIN {t.flow} b ON b.src = s.dst AND b.dst = s.src AND b.tsec > s.tsec AND b.tsec <= s.tsec + {win}
      WHERE s.kind = 'red_packet' AND NOT s.returned AND s.src IS NOT NULL AND s.src <> s.dst
        AND s.amount_fen IS NOT NULL AND s.amount_fen <= {p.max_share_fen}
        AND b.kind = 'transfer' AND NOT b.returned AND b.amount_fen IS NOT NULL
        AND COALESCE(b.chat_id, '') NOT LIKE '%@chatroom'
        AND b.amount_fen > s.amount_fen AND b.amount_fen <= {p.max_payout_fen}
    ) x WHERE rn_back = 1 AND rn_lead = 1"""


def _layer_sql(t: Relations, p: BillShapeParams) -> str:
    """Group packet sent by an official, then transfers to him of 1–2× its face."""
    win, lo, hi = (
        p.settle_minutes * 60,
        p.min_multiple * (1 - p.tolerance),
        p.max_multiple * (1 + p.tolerance),
    )
    return f"""
    SELECT * FROM (
      SELECT 'layer' AS side, s.src AS official, b.src AS cp, s.payment_id AS lead_id,
             b.payment_id AS back_id,
             s.day_no, CAST(b.amount_fen AS DOUBLE) / s.amount_fen AS ratio,
             ROW_NUMBER() OVER (PARTITION BY b.payment_id ORDER BY s.tsec DESC, s.payment_id) AS rn_back,
             1 AS rn_lead
      FROM {t.flow} s
      JOIN {t.official} o ON o.person_id = s.src
      JOIN {t.flow} b ON b.dst = s.src AND b.tsec > s.tsec AND b.tsec <= s.tsec + {win}
      WHERE s.kind = 'red_packet' AND s.dst IS NULL AND s.amount_fen IS NOT NULL
        AND s.amount_fen <= {p.max_face_fen}
        AND b.kind = 'transfer' AND NOT b.returned AND b.amount_fen IS NOT NULL
        AND b.src IS NOT NULL AND b.src <> s.src AND COALESCE(b.chat_id, '') NOT LIKE '%@chatroom'
        AND b.amount_fen >= s.amount_fen * {lo} AND b.amount_fen <= s.amount_fen * {hi}
    ) x WHERE rn_back = 1"""


def _features(rounds: list[dict]) -> dict:
    return {
        "n_rounds": len(rounds),
        "n_days": len({r["day_no"] for r in rounds}),
        "n_cp": len({r["cp"] for r in rounds}),
        "n_layer": sum(r["side"] == "layer" for r in rounds),
    }


def _summary(frame: PaymentFrame, official: str, f: dict, rows: list[dict], rounds: list[dict]) -> str:
    first, last = min(r["ts"] for r in rows), max(r["ts"] for r in rows)
    ratios = sorted(r["ratio"] for r in rounds)
    back = {r["back_id"] for r in rounds}
    paid = sum(r["amount_fen"] for r in rows if r["payment_id"] in back)
    text = (
        f"{span(first, last)} {frame.name(official)} 的账单中有 {f['n_rounds']} 轮“抢包/发包—数分钟内向同一人"
        f"转账”的往来，分布在 {f['n_days']} 天、涉及 {f['n_cp']} 人，赔付类转账合计 {yuan(paid)} 元"
        f"（转账额为红包金额的 {ratios[0]:.1f}–{ratios[-1]:.1f} 倍）"
    )
    if f["n_layer"]:
        text += f"；其中 {f['n_layer']} 笔是本人发出群红包后收到的面额 1–2 倍转账（疑似埋雷收赔）"
    return text + "。仅依据账单：没有红包祝福语和雷号，无法核对是否中雷，依据金额比例、时间间隔和重复次数判断"


NOTES = {
    ("player", "lead"): "抢到的红包份额",
    ("player", "back"): "随后转给发包人（疑似中雷赔付）",
    ("layer", "lead"): "本人发出的群红包",
    ("layer", "back"): "随后收到的面额倍数转账（疑似中雷赔付）",
}


def run(ctx: DetectContext, bound_checks: list[BoundCheck]) -> list[Finding]:
    frame = frame_of(ctx)
    out: list[Finding] = []
    for bound in bound_checks:
        p: BillShapeParams = bound.params
        rounds = frame.rows(f"{_player_sql(frame.t, p)} UNION ALL {_layer_sql(frame.t, p)}")
        cands = []
        for (official,), rs in group_rows(rounds, "official").items():
            feats = _features(rs)
            card = score(feats, p)
            if not card.fired:
                continue
            ids = {r["lead_id"] for r in rs} | {r["back_id"] for r in rs}
            keep = frame.t.scratch("p3b_ids")
            frame.con.register(keep, pa.table({"payment_id": pa.array(sorted(ids), pa.string())}))
            rows = frame.rows(
                f"SELECT DISTINCT {PICK} FROM {frame.t.flow} "
                f"WHERE payment_id IN (SELECT payment_id FROM {keep})"
            )
            notes = {r["lead_id"]: NOTES[(r["side"], "lead")] for r in rs}
            notes |= {r["back_id"]: NOTES[(r["side"], "back")] for r in rs}
            summary = _summary(frame, official, feats, rows, rs)
            cands.append(Candidate(official, "bill-shape", feats, rows, card, summary, notes=notes))
        out += findings_of(ctx, bound, frame, cands)
    return out


DETECTORS = [
    Detector(
        name="payments.gambling_bill_shape",
        params_model=BillShapeParams,
        needs=("payments",),
        run=run,
        description=(
            "仅凭账单识别红包扫雷形态：抢包后数分钟内向发包人转账、发包后收到面额倍数转账，多轮多天重复"
        ),
    )
]


def register(registry: DetectorRegistry) -> None:
    for detector in DETECTORS:
        registry.register(detector)
