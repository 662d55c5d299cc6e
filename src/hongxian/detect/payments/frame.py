"""The payment frame: helper tables every payment typology reads, prepared once per Dataset.

Registered on the Dataset's DuckDB connection (names start with ``hx_``):

- ``hx_party(account_id, person_id)``: accounts → people, from accounts.person_id, people.微信号
  and (unambiguous) people.微信昵称 for unresolved bill names ``wxname:<昵称>``;
- ``hx_rel(a, b, rel, start_day, end_day)``: the relations normalised to
  ``served`` (b is served by a), ``subordinate`` (b reports to a), ``kin`` (both ways),
  ``close`` (特定关系人, both ways);
- ``hx_official(person_id)``: officials (身份类别 公职人员, holders of served/subordinate
  relations, election candidates, owners of the exports);
- ``hx_all`` (a view) and ``hx_flow`` (materialised: the flows where at least one party is a
  registered person or come from an export whose owner is known — every typology is about
  officials and their registered counterparts):
  red packets, transfers, gift cards, QR payments and group collections with parties resolved
  to people (``src``/``dst``: person id, else the account), epoch seconds ``tsec``, local day
  ``day_no`` and ``returned`` (returned, refused, expired or refunded in full — kept as
  mitigating evidence, never counted as accepted money). Group-level gambling statistics read
  ``hx_all`` through selective joins only.

Small registers are prepared in Python; the big ``payments`` table only through SQL.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

import pyarrow as pa

from hongxian.dataset.dataset import Dataset
from hongxian.detect.payments.sql import DAY, DUCKDB, Dialect, dialect_of, in_list, table_exists

FLOW_KINDS = ("red_packet", "transfer", "gift_card", "qr", "group_collection")
RETURN_LIKE = ("%退还%", "%全额退款%", "%过期%", "%拒收%", "%拒绝%", "%退回%")
RETURN_CODES = ("returned", "refunded", "expired", "rejected")
BUSINESS_KINDS = ("企业人员", "个体经营者")
OPEN_START, OPEN_END = -(10**9), 10**9
RAW_COLS = ", ".join(
    f"p.{c}"
    for c in (
        "payment_id",
        "ts",
        "kind",
        "amount_fen",
        "payer_account",
        "payee_account",
        "chat_id",
        "memo",
        "origin",
        "ext_id",
        "source_id",
        "status",
    )
)
_REL = {
    "管理服务对象": "served",
    "下级": "subordinate",
    "上级": "superior",
    "亲属": "kin",
    "特定关系人": "close",
}


def _day(d: date | None, default: int) -> int:
    return default if d is None else (d - date(1970, 1, 1)).days


@dataclass
class PaymentFrame:
    """Prepared helper tables plus the small registers in Python for explanations."""

    ds: Dataset
    dialect: Dialect = DUCKDB
    people: dict[str, dict] = field(default_factory=dict)
    party: dict[str, str] = field(default_factory=dict)

    @classmethod
    def of(cls, ds: Dataset, dialect: Dialect | None = None) -> PaymentFrame:
        frame = cls(ds, dialect or dialect_of(ds.con))
        frame.people = {r["person_id"]: r for r in ds["people"].to_pylist()}
        frame.party = _party_map(ds)
        if not table_exists(ds.con, "hx_flow"):
            frame._prepare()
        return frame

    @property
    def con(self):
        return self.ds.con

    def rows(self, query: str, params: list | None = None) -> list[dict]:
        """Result rows as dicts; SUM's decimals come back as int."""
        out = self.con.sql(query, params=params).to_arrow_table().to_pylist()
        for row in out:
            for k, v in row.items():
                if isinstance(v, Decimal):
                    row[k] = int(v)
        return out

    # ---------------------------------------------------------------- naming

    def is_person(self, key: str | None) -> bool:
        return key is not None and key in self.people

    def name(self, key: str | None) -> str:
        if key is None:
            return "未知"
        if key in self.people:
            return self.people[key]["name"] or key
        return key.removeprefix("wxname:")

    # ---------------------------------------------------------------- preparation

    def _prepare(self) -> None:
        con = self.con
        con.register(
            "hx_party",
            pa.table(
                {
                    "account_id": pa.array(list(self.party), pa.string()),
                    "person_id": pa.array(list(self.party.values()), pa.string()),
                }
            ),
        )
        con.register("hx_rel", _relations(self.ds))
        con.register(
            "hx_person_kind",
            pa.table(
                {
                    "person_id": pa.array(list(self.people), pa.string()),
                    "identity_kind": pa.array(
                        [p["identity_kind"] for p in self.people.values()], pa.string()
                    ),
                }
            ),
        )
        con.register("hx_official", _officials(self))
        con.execute(f"CREATE OR REPLACE TEMP VIEW hx_all AS {self.flow_select()}")
        registered = (
            "(p.payer_account IN (SELECT account_id FROM hx_party) OR p.payee_account IN "
            "(SELECT account_id FROM hx_party) OR p.owner_account IS NOT NULL)"
        )
        con.execute(f"CREATE OR REPLACE TEMP TABLE hx_flow AS {self.flow_select(where=registered)}")
        con.execute(self._dedupe_sql())

    def flow_select(self, source: str = "payments p", where: str = "TRUE") -> str:
        """Flow columns over the payments rows that ``source`` (joins on raw columns of ``p``) and
        ``where`` pick; the selective part runs on the raw table before parties are resolved."""
        d = self.dialect
        returned = " OR ".join(
            [f"p.status LIKE '{p}'" for p in RETURN_LIKE]
            + [
                f"lower(p.status) IN {in_list(RETURN_CODES)}",
                "(rf.refund_fen IS NOT NULL AND rf.refund_fen >= p.amount_fen)",
            ]
        )
        return f"""
            SELECT f.*, {d.day_no("f.tsec")} AS day_no FROM (
              SELECT p.payment_id, p.ts, {d.epoch_sec("p.ts")} AS tsec, p.kind, p.amount_fen,
                     p.payer_account, p.payee_account,
                     COALESCE(a.person_id, p.payer_account) AS src,
                     COALESCE(b.person_id, p.payee_account) AS dst,
                     p.chat_id, p.memo, p.origin, p.ext_id, p.source_id,
                     CASE WHEN {returned} THEN TRUE ELSE FALSE END AS returned
              FROM (SELECT {RAW_COLS} FROM {source} WHERE p.kind IN {in_list(FLOW_KINDS)} AND {where}) p
              LEFT JOIN hx_party a ON a.account_id = p.payer_account
              LEFT JOIN hx_party b ON b.account_id = p.payee_account
              LEFT JOIN (SELECT refund_of, SUM(amount_fen) AS refund_fen FROM payments
                         WHERE kind = 'refund' AND refund_of IS NOT NULL GROUP BY refund_of) rf
                     ON rf.refund_of = p.payment_id
            ) f"""

    def _dedupe_sql(self) -> str:
        """The same packet or transfer seen in two people's bills (same send id, parties) counts once."""
        return """
            DELETE FROM hx_flow WHERE payment_id IN (
              SELECT payment_id FROM (
                SELECT x.payment_id, ROW_NUMBER() OVER (PARTITION BY x.ext_id, x.kind, x.src, x.dst
                                                        ORDER BY x.amount_fen IS NULL, x.payment_id) AS rn
                FROM hx_flow x JOIN (SELECT ext_id, kind FROM hx_flow WHERE ext_id IS NOT NULL
                                     GROUP BY ext_id, kind HAVING COUNT(DISTINCT source_id) > 1) d
                  ON d.ext_id = x.ext_id AND d.kind = x.kind
              ) y WHERE rn > 1)"""


def _party_map(ds: Dataset) -> dict[str, str]:
    mapping: dict[str, str] = {}
    accounts = ds["accounts"].select(["account_id", "person_id"]).to_pylist()
    for row in accounts:
        if row["person_id"]:
            mapping.setdefault(row["account_id"], row["person_id"])
    nick_owner: dict[str, set[str]] = {}
    for p in ds["people"].select(["person_id", "wechat_ids", "wechat_nicknames"]).to_pylist():
        for wid in p["wechat_ids"] or ():
            mapping.setdefault(wid, p["person_id"])
        for nick in p["wechat_nicknames"] or ():
            nick_owner.setdefault(nick, set()).add(p["person_id"])
    for nick, owners in nick_owner.items():
        if len(owners) == 1:
            mapping.setdefault("wxname:" + nick, next(iter(owners)))
    return mapping


def _relations(ds: Dataset) -> pa.Table:
    cols: dict[str, list] = {"a": [], "b": [], "rel": [], "start_day": [], "end_day": []}

    def add(a, b, rel, s, e):
        for k, v in zip(cols, (a, b, rel, s, e), strict=True):
            cols[k].append(v)

    for r in ds["relations"].to_pylist():
        rel = _REL.get(r["relation"])
        if rel is None:
            continue
        s, e = _day(r["start_date"], OPEN_START), _day(r["end_date"], OPEN_END)
        a, b = r["person_id"], r["related_person_id"]
        if rel == "superior":  # (A, B, 上级): B is A's superior, so A reports to B
            add(b, a, "subordinate", s, e)
        elif rel in ("kin", "close"):
            add(a, b, rel, s, e)
            add(b, a, rel, s, e)
        else:
            add(a, b, rel, s, e)
    types = {
        "a": pa.string(),
        "b": pa.string(),
        "rel": pa.string(),
        "start_day": pa.int64(),
        "end_day": pa.int64(),
    }
    return pa.table({k: pa.array(v, types[k]) for k, v in cols.items()})


def _officials(frame: PaymentFrame) -> pa.Table:
    ds = frame.ds
    ids = {pid for pid, p in frame.people.items() if p["is_official"] or p["identity_kind"] == "公职人员"}
    ids |= {r["person_id"] for r in ds["relations"].to_pylist() if r["relation"] in ("管理服务对象", "下级")}
    for e in ds["events"].to_pylist():
        if e["event_type"] in ("换届选举", "民主推荐"):
            ids |= set(e["person_ids"] or ())
    owners = ds["payments"].column("owner_account").unique().to_pylist()
    ids |= {frame.party.get(o, o) for o in owners if o}
    return pa.table({"person_id": pa.array(sorted(ids), pa.string())})


def day_range_sql(start_day: str, end_day: str, day_col: str = "day_no") -> str:
    """SQL predicate: ``day_col`` inside the closed day range (relation validity)."""
    return f"{day_col} >= {start_day} AND {day_col} <= {end_day}"


__all__ = ["BUSINESS_KINDS", "DAY", "FLOW_KINDS", "PaymentFrame", "day_range_sql"]
