"""Several cases made from one: a case's canonical tables grown `factor` times, for engine tests.

Every message and payment of the base case is copied `factor` times with new ids (messages,
payments, their send ids, refunds and message links all renamed together, so references hold)
and times moved by whole days plus minutes; case k keeps a different subset of the copies, so the
cases differ. The registers (people, relations, events, groups, accounts) are the base case's.
"""

from __future__ import annotations

import pyarrow as pa
import pyarrow.compute as pc

from hongxian.canonical import SCHEMAS

DAY_US = 86_400_000_000
MINUTE_US = 60_000_000
_RENAMED = {
    "messages": ("message_id", "ext_id", "server_id"),
    "payments": ("payment_id", "ext_id", "refund_of", "message_id", "txn_id", "merchant_order_id"),
}


def _copy(table: pa.Table, name: str, j: int) -> pa.Table:
    if j == 0:
        return table
    out = table
    for col in _RENAMED[name]:
        i = out.schema.get_field_index(col)
        out = out.set_column(i, col, pc.binary_join_element_wise(out.column(col), pa.scalar(f"~{j}"), ""))
    shift = pa.scalar((j * 3) * DAY_US + j * 7 * MINUTE_US, pa.duration("us"))
    i = out.schema.get_field_index("ts")
    out = out.set_column(i, "ts", pc.add(out.column("ts"), shift).cast(SCHEMAS[name].field("ts").type))
    return out


def grow(tables: dict[str, pa.Table], factor: int, keep_every: int = 1) -> dict[str, pa.Table]:
    """The base tables with messages and payments copied `factor` times (copy j kept when
    j % keep_every == 0 or j < 2, so every case keeps the originals and one shifted copy)."""
    out = dict(tables)
    for name in ("messages", "payments"):
        base = tables[name].select(SCHEMAS[name].names).cast(SCHEMAS[name])
        parts = [_copy(base, name, j) for j in range(factor) if j < 2 or j % keep_every == 0]
        out[name] = pa.concat_tables(parts)
    return out


def scaled_cases(tables: dict[str, pa.Table], cases: int, factor: int) -> dict[str, dict[str, pa.Table]]:
    """`cases` cases (ids scale-0, scale-1, …) grown from one case's tables."""
    return {f"scale-{k}": grow(tables, factor, keep_every=k + 1) for k in range(cases)}
