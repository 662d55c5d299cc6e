"""The payment frame: the derived relations every payment typology reads, built once per screen.

`frame_of(ctx)` builds it through `DetectContext.derive`, so every payment detector of one screen
gets the same instance, and builds it anew for the next screen (no "is it there already?" test on
the connection). The frame registers its relations on the Dataset's DuckDB connection under the
names in `Relations` (``frame.t``); typology SQL refers to them only through ``frame.t`` and may
rely only on the columns in `COLUMNS` (`PaymentFrame.check` asserts them):

- ``party(account_id, person_id)``: accounts → people, from accounts.person_id, people.微信号
  and (unambiguous) people.微信昵称 for unresolved bill names ``wxname:<昵称>``;
- ``rel(a, b, rel, start_day, end_day)``: the relations normalised (`registers.relations`):
  ``served`` (b is served by a), ``subordinate`` (b reports to a), ``kin``/``spouse``/``close``
  (both ways), ``employee`` (b works for a); day numbers bound the relation's validity;
- ``person_kind(person_id, identity_kind)``: 身份类别 of every registered person;
- ``official(person_id)``: officials (身份类别 公职人员, holders of served/subordinate relations,
  election candidates, owners of the exports);
- ``family(a, b)``: b is a's kin or spouse (family money is never tribute);
- ``recipient(official, recipient, via)``: accounts an official's money may arrive in: himself
  (via NULL) and his spouse, kin, 特定关系人 (via ``spouse``/``kin``/``close``);
- ``route(official, recipient, via_recipient, cp, cp_class, payer, via_payer, start_day,
  end_day)``: every path from a served party or subordinate ``cp`` (cp_class ``served`` or
  ``subordinate``) to an official: paid by ``payer`` (cp himself, via_payer NULL, or his kin,
  spouse, employee) into ``recipient``; family money left out (`registers.routes`);
- ``all`` (a view) and ``flow`` (materialised: the flows where at least one party is a registered
  person or come from an export whose owner is known): red packets, transfers, gift cards, QR
  payments and group collections with parties resolved to people (``src``/``dst``: person id,
  else the account), epoch seconds ``tsec``, local day ``day_no`` and ``returned`` (returned,
  refused, expired or refunded in full — kept as mitigating evidence, never counted as accepted
  money). Group-level gambling statistics read ``all`` through selective joins only.

Typologies keep their own working tables under `Relations.scratch` names.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING

import pyarrow as pa

from hongxian.dataset.dataset import Dataset
from hongxian.detect.payments import registers as reg
from hongxian.detect.payments.sql import DAY, DUCKDB, Dialect, dialect_of, in_list

if TYPE_CHECKING:
    from hongxian.detect.base import DetectContext

FLOW_KINDS = ("red_packet", "transfer", "gift_card", "qr", "group_collection")
RETURN_LIKE = ("%退还%", "%全额退款%", "%过期%", "%拒收%", "%拒绝%", "%退回%")
RETURN_CODES = ("returned", "refunded", "expired", "rejected")
BUSINESS_KINDS = ("企业人员", "个体经营者")
RAW = (
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
RAW_COLS = ", ".join(f"p.{c}" for c in RAW)
FLOW_COLUMNS = (
    "payment_id",
    "ts",
    "tsec",
    "kind",
    "amount_fen",
    "payer_account",
    "payee_account",
    "src",
    "dst",
    "chat_id",
    "memo",
    "origin",
    "ext_id",
    "source_id",
    "returned",
    "day_no",
)
ROUTE_COLUMNS = (
    "official",
    "recipient",
    "via_recipient",
    "cp",
    "cp_class",
    "payer",
    "via_payer",
    "start_day",
    "end_day",
)
COLUMNS: dict[str, tuple[str, ...]] = {
    "party": ("account_id", "person_id"),
    "rel": ("a", "b", "rel", "start_day", "end_day"),
    "person_kind": ("person_id", "identity_kind"),
    "official": ("person_id",),
    "family": ("a", "b"),
    "recipient": ("official", "recipient", "via"),
    "route": ROUTE_COLUMNS,
    "all": FLOW_COLUMNS,
    "flow": FLOW_COLUMNS,
}
"""The documented columns of each frame relation: the contract between the frame and the typologies."""


@dataclass(frozen=True)
class Relations:
    """SQL names of the frame's relations on the dataset connection (see `COLUMNS`)."""

    party: str = "hx_party"
    rel: str = "hx_rel"
    person_kind: str = "hx_person_kind"
    official: str = "hx_official"
    family: str = "hx_family"
    recipient: str = "hx_recipient"
    route: str = "hx_route"
    all: str = "hx_all"
    flow: str = "hx_flow"

    def scratch(self, name: str) -> str:
        """The name of a typology's own working table (``hx_<name>``)."""
        return f"hx_{name}"


@dataclass
class PaymentFrame:
    """The derived payment relations (``t``) plus the small registers in Python for explanations."""

    ds: Dataset
    dialect: Dialect = DUCKDB
    t: Relations = field(default_factory=Relations)
    people: dict[str, dict] = field(default_factory=dict)
    party: dict[str, str] = field(default_factory=dict)
    rels: list[reg.Rel] = field(default_factory=list)

    @classmethod
    def build(cls, ds: Dataset, dialect: Dialect | None = None) -> PaymentFrame:
        """Prepare every relation in `COLUMNS` on ``ds``'s connection (replacing earlier ones); the
        dialect is the connection's own unless given (DuckDB, or Spark through its adapter)."""
        frame = cls(ds, dialect or dialect_of(ds.con))
        frame.people = {r["person_id"]: r for r in ds["people"].to_pylist()}
        frame.party = reg.party_map(ds)
        frame.rels = reg.relations(ds)
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

    def columns(self, relation: str) -> tuple[str, ...]:
        """The columns a frame relation has on the connection (by its key in `COLUMNS`)."""
        name = getattr(self.t, relation)
        return tuple(self.con.sql(f"SELECT * FROM {name} LIMIT 0").columns)

    def check(self) -> None:
        """Every relation has exactly its documented columns (a typology may rely on no others)."""
        for key, cols in COLUMNS.items():
            got = self.columns(key)
            if got != cols:
                raise AssertionError(f"payment frame relation {key}: columns {got}, documented {cols}")

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

    def _registers(self) -> dict[str, pa.Table]:
        t, rels = self.t, self.rels
        offs = reg.officials(self.ds, self.people, self.party)
        recips = reg.recipients(offs, rels)
        return {
            t.party: reg.table(["account_id", "person_id"], list(self.party.items())),
            t.rel: reg.table(
                list(COLUMNS["rel"]),
                [(r.a, r.b, r.rel, r.start_day, r.end_day) for r in rels],
                ints=("start_day", "end_day"),
            ),
            t.person_kind: reg.table(
                ["person_id", "identity_kind"], [(k, p["identity_kind"]) for k, p in self.people.items()]
            ),
            t.official: reg.table(["person_id"], [(o,) for o in offs]),
            t.family: reg.table(["a", "b"], reg.family_pairs(rels)),
            t.recipient: reg.table(["official", "recipient", "via"], recips),
            t.route: reg.table(list(ROUTE_COLUMNS), reg.routes(rels, recips), ints=("start_day", "end_day")),
        }

    def _prepare(self) -> None:
        con, t = self.con, self.t
        for name, tab in self._registers().items():
            con.register(name, tab)
        con.execute(f"CREATE OR REPLACE TEMP VIEW {t.all} AS {self.flow_select()}")
        registered = (
            f"(p.payer_account IN (SELECT account_id FROM {t.party}) OR p.payee_account IN "
            f"(SELECT account_id FROM {t.party}) OR p.owner_account IS NOT NULL)"
        )
        con.execute(f"CREATE OR REPLACE TEMP TABLE {t.flow} AS {self.flow_select(where=registered)}")
        con.execute(self._dedupe_sql())

    def flow_select(self, source: str = "payments p", where: str = "TRUE") -> str:
        """Flow columns over the payments rows that ``source`` (joins on raw columns of ``p``) and
        ``where`` pick; the selective part runs on the raw table before parties are resolved."""
        d, t = self.dialect, self.t
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
              LEFT JOIN {t.party} a ON a.account_id = p.payer_account
              LEFT JOIN {t.party} b ON b.account_id = p.payee_account
              LEFT JOIN (SELECT refund_of, SUM(amount_fen) AS refund_fen FROM payments
                         WHERE kind = 'refund' AND refund_of IS NOT NULL GROUP BY refund_of) rf
                     ON rf.refund_of = p.payment_id
            ) f"""

    def _dedupe_sql(self) -> str:
        """The same packet or transfer seen in two people's bills (same send id, parties) counts once."""
        flow = self.t.flow
        return f"""
            DELETE FROM {flow} WHERE payment_id IN (
              SELECT payment_id FROM (
                SELECT x.payment_id, ROW_NUMBER() OVER (PARTITION BY x.ext_id, x.kind, x.src, x.dst
                                                        ORDER BY x.amount_fen IS NULL, x.payment_id) AS rn
                FROM {flow} x JOIN (SELECT ext_id, kind FROM {flow} WHERE ext_id IS NOT NULL
                                    GROUP BY ext_id, kind HAVING COUNT(DISTINCT source_id) > 1) d
                  ON d.ext_id = x.ext_id AND d.kind = x.kind
              ) y WHERE rn > 1)"""


def frame_of(ctx: DetectContext) -> PaymentFrame:
    """The screen's payment frame: built on first use, then shared by every payment detector."""
    return ctx.derive(PaymentFrame.build)


def day_range_sql(start_day: str, end_day: str, day_col: str = "day_no") -> str:
    """SQL predicate: ``day_col`` inside the closed day range (relation validity)."""
    return f"{day_col} >= {start_day} AND {day_col} <= {end_day}"


__all__ = [
    "BUSINESS_KINDS",
    "COLUMNS",
    "DAY",
    "FLOW_KINDS",
    "PaymentFrame",
    "Relations",
    "day_range_sql",
    "frame_of",
]
