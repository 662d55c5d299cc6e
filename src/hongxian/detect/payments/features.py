"""Evidence features shared by several typologies (reciprocity, return flows, cue words, loans)."""

from __future__ import annotations

from dataclasses import dataclass, field

import pyarrow as pa
from pydantic import Field

from hongxian.detect.base import Params
from hongxian.detect.payments.common import group_rows
from hongxian.detect.payments.explain import yuan
from hongxian.detect.payments.frame import PaymentFrame, Relations
from hongxian.detect.payments.sql import DAY


def reciprocity_sql(t: Relations, rows_table: str, days: int) -> str:
    """Money the official sent back to the same counterparties within ±``days`` of each window.

    ``rows_table`` has columns official, win_key, cp, tsec. Returns official, win_key, back_fen, back_n.
    """
    d = days * DAY
    return f"""
      SELECT w.official, w.win_key, SUM(f.amount_fen) AS back_fen, COUNT(*) AS back_n
      FROM (SELECT official, win_key, MIN(tsec) AS lo, MAX(tsec) AS hi FROM {rows_table}
            GROUP BY official, win_key) w
      JOIN (SELECT DISTINCT official, win_key, cp FROM {rows_table}) c
        ON c.official = w.official AND c.win_key = w.win_key
      JOIN {t.flow} f ON f.src = w.official AND f.dst = c.cp
      WHERE NOT f.returned AND f.tsec >= w.lo - {d} AND f.tsec <= w.hi + {d}
        AND f.kind IN ('red_packet', 'transfer', 'gift_card', 'qr')
      GROUP BY w.official, w.win_key"""


def back_rows(
    frame: PaymentFrame, rows_table: str, keys: list[tuple[str, str]], days: int
) -> dict[tuple, list[dict]]:
    """The official's payments back to the counterparties of each fired (official, win_key)."""
    if not keys:
        return {}
    frame.con.register(
        "hx_fired_keys",
        pa.table(
            {
                "official": pa.array([k[0] for k in keys], pa.string()),
                "win_key": pa.array([k[1] for k in keys], pa.string()),
            }
        ),
    )
    d, t = days * DAY, frame.t
    rows = frame.rows(f"""
        SELECT DISTINCT w.official, w.win_key, f.payment_id, f.ts, f.kind, f.amount_fen, f.memo, f.origin,
               f.returned
        FROM (SELECT r.official, r.win_key, MIN(r.tsec) AS lo, MAX(r.tsec) AS hi FROM {rows_table} r
              JOIN hx_fired_keys k ON k.official = r.official AND k.win_key = r.win_key
              GROUP BY r.official, r.win_key) w
        JOIN (SELECT DISTINCT official, win_key, cp FROM {rows_table}) c
          ON c.official = w.official AND c.win_key = w.win_key
        JOIN {t.flow} f ON f.src = w.official AND f.dst = c.cp
        WHERE NOT f.returned AND f.tsec >= w.lo - {d} AND f.tsec <= w.hi + {d}
          AND f.kind IN ('red_packet', 'transfer', 'gift_card', 'qr')""")
    return group_rows(rows, "official", "win_key")


def recip_ratio(back_fen: int | None, back_n: int | None, sum_fen: int | None, n: int) -> float | None:
    """Sent back ÷ received (by amount when known, else by count)."""
    if sum_fen:
        return (back_fen or 0) / sum_fen
    if n:
        return (back_n or 0) / n
    return None


def like_any(col: str, words: list[str]) -> str:
    """``(col LIKE '%w1%' OR …)`` for cue words (our own constants or check params)."""
    if not words:
        return "FALSE"
    return "(" + " OR ".join(f"{col} LIKE '%" + w.replace("'", "''") + "%'" for w in words) + ")"


class LoanParams(Params):
    """Loan repayments are not gifts: what counts as one (shared by the gift typologies)."""

    loan_lookback_days: int = Field(default=730, ge=1, description="往前追溯本人出借款的天数")
    loan_tolerance: float = Field(default=0.02, ge=0, le=0.2, description="分期还款合计与借款的相对误差")
    loan_words: list[str] = Field(default_factory=lambda: ["还款", "借款", "还钱", "还借", "借的"])


def loan_repayments(frame: PaymentFrame, rows_table: str, p: LoanParams) -> tuple[dict[str, str], list[dict]]:
    """Payments in ``rows_table`` (columns official, cp, recipient, payer) that repay an earlier transfer
    from the official (or his recipient) to the counterparty (or his payer): the first payments back
    whose running sum reaches the loan (± ``loan_tolerance``), or a payment with a loan word in the
    memo after such a transfer. Returns payment id → note, and the loan transfers (to cite)."""
    t, lookback = frame.t, p.loan_lookback_days * DAY
    pairs = f"(SELECT DISTINCT official, cp, recipient, payer FROM {rows_table})"
    lent = frame.rows(f"""
        SELECT DISTINCT pr.official, pr.cp, f.payment_id, f.ts, f.tsec, f.kind, f.amount_fen, f.memo,
               f.origin, f.returned, f.src, f.dst
        FROM {pairs} pr JOIN {t.flow} f ON (f.src = pr.official OR f.src = pr.recipient)
          AND (f.dst = pr.cp OR f.dst = pr.payer)
        WHERE f.kind = 'transfer' AND NOT f.returned AND f.amount_fen IS NOT NULL""")
    if not lent:
        return {}, []
    back = frame.rows(f"""
        SELECT DISTINCT pr.official, pr.cp, f.payment_id, f.tsec, f.amount_fen, f.memo
        FROM {pairs} pr JOIN {t.flow} f ON (f.dst = pr.official OR f.dst = pr.recipient)
          AND (f.src = pr.cp OR f.src = pr.payer)
        WHERE f.kind IN ('transfer', 'red_packet', 'qr') AND NOT f.returned""")
    later = group_rows(sorted(back, key=lambda r: (r["tsec"], r["payment_id"])), "official", "cp")
    marks: dict[str, str] = {}
    cited: list[dict] = []
    for loan in sorted(lent, key=lambda r: r["tsec"]):
        after = [
            r
            for r in later.get((loan["official"], loan["cp"]), [])
            if loan["tsec"] < r["tsec"] <= loan["tsec"] + lookback and r["payment_id"] not in marks
        ]
        paid = _matching_prefix(after, loan["amount_fen"], p.loan_tolerance)
        paid += [r for r in after if r not in paid and like_words(r["memo"], p.loan_words)][:1]
        note = f"归还本人 {loan['ts'].date().isoformat()} 借出的 {yuan(loan['amount_fen'])} 元（不计为礼金）"
        for r in paid:
            marks[r["payment_id"]] = note
        if paid:
            cited.append({**loan, "loan_for": loan["cp"]})
    return marks, cited


def _matching_prefix(after: list[dict], lent_fen: int, tolerance: float) -> list[dict]:
    """The first payments whose running sum reaches ``lent_fen`` within the tolerance (else none)."""
    total, out = 0, []
    for r in after:
        if r["amount_fen"] is None:
            return []
        total += r["amount_fen"]
        out.append(r)
        if abs(total - lent_fen) <= lent_fen * tolerance:
            return out
        if total > lent_fen * (1 + tolerance):
            return []
    return []


def like_words(text: str | None, words: list[str]) -> bool:
    return bool(text) and any(w in (text or "") for w in words)


@dataclass
class Loans:
    """Repayments set aside from a typology's rows: notes by payment id and, per (official, win_key),
    the repayments with the loans they repay (cited as mitigating context)."""

    notes: dict[str, str] = field(default_factory=dict)
    rows: dict[tuple, list[dict]] = field(default_factory=dict)
    repaid: dict[tuple, int] = field(default_factory=dict)

    def phrase(self, key: tuple) -> str:
        n = self.repaid.get(key, 0)
        return f"；另有 {n} 笔为归还本人此前借款，已核对借出记录，不计为礼金（减轻情节）" if n else ""


def set_aside_loans(frame: PaymentFrame, rows_table: str, p: LoanParams) -> Loans:
    """Take loan repayments out of ``rows_table`` (columns official, cp, win_key, …) before scoring."""
    marks, lent = loan_repayments(frame, rows_table, p)
    if not marks:
        return Loans()
    ids = frame.t.scratch("loan_ids")
    frame.con.register(ids, pa.table({"payment_id": pa.array(list(marks), pa.string())}))
    repaid = frame.rows(f"SELECT * FROM {rows_table} WHERE payment_id IN (SELECT payment_id FROM {ids})")
    frame.con.execute(f"DELETE FROM {rows_table} WHERE payment_id IN (SELECT payment_id FROM {ids})")
    loans = Loans(notes=dict(marks))
    for key, rs in group_rows(repaid, "official", "win_key").items():
        cps = {r["cp"] for r in rs}
        cited = [dict(r, returned=False) for r in lent if r["official"] == key[0] and r["loan_for"] in cps]
        loans.rows[key] = rs + cited
        loans.repaid[key] = len(rs)
        loans.notes |= {r["payment_id"]: "本人此前借出的款项（对方随后归还）" for r in cited}
    return loans
