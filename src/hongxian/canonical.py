"""The canonical tables as Arrow schemas (column contracts between ingest, dataset and detect).

Importable from `hongxian.schema` as well. Times are ``timestamp[us, tz=Asia/Shanghai]``; money is
integer fen (``amount_fen``).
"""

from __future__ import annotations

from typing import Any

import pyarrow as pa

from hongxian.schema import TZ

TS = pa.timestamp("us", tz=TZ)


def _schema(*fields: tuple[str, pa.DataType]) -> pa.Schema:
    return pa.schema([pa.field(name, typ) for name, typ in fields])


STR = pa.string()
I64 = pa.int64()
BOOL = pa.bool_()
DATE = pa.date32()
STRLIST = pa.list_(pa.string())

SCHEMAS: dict[str, pa.Schema] = {
    "sources": _schema(
        ("source_id", STR),
        ("path", STR),
        ("sha256", STR),
        ("format", STR),
        ("ingested_at", TS),
        ("rows_in", I64),
        ("rows_ok", I64),
        ("rows_rejected", I64),
        ("authorisation", STR),
        ("owner_account", STR),
        ("owner_person", STR),
        ("declared_owner", STR),
        ("warnings", STR),
    ),
    "rejects": _schema(
        ("source_id", STR),
        ("path", STR),
        ("row_number", I64),
        ("column", STR),
        ("raw", STR),
        ("error", STR),
    ),
    "people": _schema(
        ("person_id", STR),
        ("name", STR),
        ("org_unit", STR),
        ("position", STR),
        ("rank", STR),
        ("political_status", STR),
        ("is_party_member", BOOL),
        ("identity_kind", STR),
        ("is_official", BOOL),
        ("duties", STR),
        ("hometown", STR),
        ("wechat_ids", STRLIST),
        ("wechat_nicknames", STRLIST),
        ("alipay_accounts", STRLIST),
        ("phone", STR),
        ("employment_status", STR),
        ("departed_on", DATE),
    ),
    "relations": _schema(
        ("person_id", STR),
        ("related_person_id", STR),
        ("relation", STR),
        ("start_date", DATE),
        ("end_date", DATE),
        ("note", STR),
    ),
    "events": _schema(
        ("event_id", STR),
        ("name", STR),
        ("event_type", STR),
        ("start_date", DATE),
        ("end_date", DATE),
        ("org_unit", STR),
        ("person_ids", STRLIST),
        ("group_ids", STRLIST),
    ),
    "group_register": _schema(
        ("group_id", STR),
        ("name", STR),
        ("group_type", STR),
        ("owner_person_id", STR),
        ("admin_person_ids", STRLIST),
        ("registered_on", DATE),
        ("dissolved_on", DATE),
        ("name_rule", STR),
    ),
    "account_register": _schema(
        ("account", STR),
        ("platform", STR),
        ("person_id", STR),
        ("capacity", STR),
        ("reported_on", DATE),
    ),
    "accounts": _schema(
        ("account_id", STR),
        ("platform", STR),
        ("person_id", STR),
        ("display_name", STR),
        ("remark", STR),
        ("alias", STR),
        ("nickname", STR),
        ("description", STR),
        ("source_id", STR),
    ),
    "groups": _schema(
        ("group_id", STR),
        ("name", STR),
        ("owner_account", STR),
        ("declared_kind", STR),
        ("registered", BOOL),
        ("member_count", I64),
        ("announcement", STR),
        ("source_id", STR),
    ),
    "group_members": _schema(
        ("group_id", STR),
        ("account_id", STR),
        ("display_name", STR),
        ("joined_at", TS),
        ("left_at", TS),
        ("source_id", STR),
    ),
    "messages": _schema(
        ("message_id", STR),
        ("source_id", STR),
        ("chat_id", STR),
        ("is_group", BOOL),
        ("sender_account", STR),
        ("ts", TS),
        ("kind", STR),
        ("text", STR),
        ("file_name", STR),
        ("url", STR),
        ("ext_id", STR),
        ("server_id", STR),
        ("raw_type", I64),
        ("raw_subtype", I64),
    ),
    "payments": _schema(
        ("payment_id", STR),
        ("source_id", STR),
        ("ts", TS),
        ("kind", STR),
        ("payer_account", STR),
        ("payee_account", STR),
        ("chat_id", STR),
        ("amount_fen", I64),
        ("status", STR),
        ("memo", STR),
        ("direction", STR),
        ("raw_direction", STR),
        ("owner_account", STR),
        ("counterparty_name", STR),
        ("txn_id", STR),
        ("merchant_order_id", STR),
        ("ext_id", STR),
        ("refund_of", STR),
        ("refunded_fen", I64),
        ("origin", STR),
        ("raw_type", STR),
        ("message_id", STR),
    ),
    "attachments": _schema(
        ("attachment_id", STR),
        ("message_id", STR),
        ("path", STR),
        ("sha256", STR),
        ("link", STR),
        ("format", STR),
        ("status", STR),
        ("detail", STR),
        ("pages", I64),
        ("block", I64),
        ("page", I64),
        ("part", STR),
        ("mark", STR),
        ("field", STR),
        ("text", STR),
        ("boxes", STR),
    ),
}
"""Column contracts. Readers may leave columns null; they may not add or rename columns.

``attachments`` (derived after the readers, by `hongxian.ingest.attach`): one row per text block of
a file posted in a chat or handed in loose, or one row with null text for a file that gave none
(``status``/``detail`` say why). ``message_id`` is null for loose files; ``link`` says how the file
was tied to its message (bytes_extra | file_name | loose); ``boxes`` are "x0,y0,x1,y1" per line of
``text`` joined by ";" (OCR only)."""


def empty_table(name: str) -> pa.Table:
    return SCHEMAS[name].empty_table()


def table_from_rows(name: str, rows: list[dict]) -> pa.Table:
    """Build a canonical table from row dicts; missing keys become null, unknown keys are an error."""
    schema = SCHEMAS[name]
    cols: dict[str, list[Any]] = {f.name: [] for f in schema}
    for row in rows:
        extra = set(row) - cols.keys()
        if extra:
            raise KeyError(f"{name}: unknown columns {sorted(extra)}")
        for key, values in cols.items():
            values.append(row.get(key))
    return pa.table({k: pa.array(v, type=schema.field(k).type) for k, v in cols.items()}, schema=schema)
