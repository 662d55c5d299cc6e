"""Who is who across sources: names shown in bills → accounts → people.

Bills show counterparties only by display name. Readers write such a counterparty as an
unresolved-name account ``wxname:<name>`` (``alipayname:<name>`` / ``alipay:<masked account>`` for
Alipay, resolved to a person only: `resolve_alipay_accounts`). Here each one is resolved, only when
unambiguous, to a real account: first by the 微信昵称 column of people.csv, then by a unique Contact
remark / nickname / alias or group display name (群昵称) seen in a WeChat database — red-packet
claim notices name the claimer only that way. Unresolved names stay as they are.
"""

from __future__ import annotations

import duckdb

from hongxian.dataset.duck import count_rows, materialize

NAME_PREFIX = "wxname:"
CHAT_NAME_PREFIX = "chatname:"
NAMESAKE_SUFFIX = "（与账单本人同名）"


def name_account(display_name: str) -> str:
    return NAME_PREFIX + display_name.strip()


def namesake_account(display_name: str) -> str:
    """A bill counterparty shown with the bill owner's own nickname: another person until proven
    otherwise (a counterparty is never the owner by name alone), so never the owner's account and
    never resolved by name: ``wxname:<name>（与账单本人同名）``."""
    return NAME_PREFIX + display_name.strip() + NAMESAKE_SUFFIX


def chat_name_id(conversation_name: str) -> str:
    """A conversation known only by its display name (MemoTrace exports): ``chatname:<name>``."""
    return CHAT_NAME_PREFIX + conversation_name.strip()


_RESOLVE_SQL = """
CREATE OR REPLACE TEMP TABLE _name_map AS
WITH person_names AS (
    SELECT DISTINCT unnest(wechat_nicknames) AS name, person_id, wechat_ids[1] AS account_id
    FROM people WHERE len(wechat_nicknames) > 0
), by_person AS (
    SELECT name, any_value(person_id) AS person_id, any_value(account_id) AS account_id
    FROM person_names GROUP BY name HAVING count(DISTINCT person_id) = 1
), contact_names AS (
    SELECT remark AS name, account_id FROM accounts WHERE remark IS NOT NULL AND remark <> ''
      AND account_id NOT LIKE 'wxname:%'
    UNION SELECT nickname, account_id FROM accounts WHERE nickname IS NOT NULL AND nickname <> ''
      AND account_id NOT LIKE 'wxname:%'
    UNION SELECT alias, account_id FROM accounts WHERE alias IS NOT NULL AND alias <> ''
      AND account_id NOT LIKE 'wxname:%'
    UNION SELECT display_name, account_id FROM group_members WHERE display_name IS NOT NULL
      AND display_name <> '' AND account_id NOT LIKE 'wxname:%'
), by_contact AS (
    SELECT name, any_value(account_id) AS account_id FROM contact_names
    GROUP BY name HAVING count(DISTINCT account_id) = 1
)
SELECT 'wxname:' || n.name AS from_account,
       coalesce(p.account_id, c.account_id, 'wxname:' || n.name) AS to_account,
       p.person_id AS person_id
FROM (SELECT name FROM by_person UNION SELECT name FROM by_contact) n
LEFT JOIN by_person p USING (name) LEFT JOIN by_contact c USING (name)
"""


def resolve_accounts(con: duckdb.DuckDBPyConnection) -> None:
    """Rewrite ``wxname:`` payer/payee/sender ids to real accounts and fill accounts.person_id."""

    con.execute(_RESOLVE_SQL)
    renamed = count_rows(con, "SELECT count(*) FROM _name_map WHERE to_account <> from_account")
    for table, cols in (
        ("payments", ("payer_account", "payee_account", "owner_account")),
        ("messages", ("sender_account",)),
        ("group_members", ("account_id",)),
    ):
        if renamed:
            materialize(con, table)
        for col in cols if renamed else ():
            # a payment's counterparty never becomes its owner by name alone (issue 13 item 8)
            not_owner = (
                f" AND m.to_account IS DISTINCT FROM {table}.owner_account"
                if table == "payments" and col != "owner_account"
                else ""
            )
            con.execute(
                f"UPDATE {table} SET {col} = m.to_account FROM _name_map m "
                f"WHERE {table}.{col} = m.from_account AND m.to_account <> m.from_account{not_owner}"
            )
    # Accounts: attach person ids by wxid / 微信号 listed in people.csv, then by resolved names.
    # One equality join per key (an OR of two keys is a nested loop): the wxid before the 微信号.
    for col in ("account_id", "alias"):
        con.execute(f"""
            UPDATE accounts SET person_id = p.person_id
            FROM (SELECT unnest(wechat_ids) AS account_id, person_id FROM people) p
            WHERE accounts.person_id IS NULL AND accounts.{col} = p.account_id
        """)
    for col in ("to_account", "from_account"):
        con.execute(f"""
            UPDATE accounts SET person_id = m.person_id FROM _name_map m
            WHERE accounts.person_id IS NULL AND m.person_id IS NOT NULL AND accounts.account_id = m.{col}
        """)
    con.execute(
        "DELETE FROM accounts WHERE account_id IN (SELECT from_account FROM _name_map "
        "WHERE to_account <> from_account)"
    )
    resolve_alipay_accounts(con)
    resolve_chat_names(con)


_ALIPAY_PEOPLE_SQL = r"""
CREATE OR REPLACE TEMP TABLE _alipay_people AS
WITH values_shown AS (
    SELECT person_id, unnest(alipay_accounts) AS value, true AS is_account FROM people
    UNION ALL SELECT person_id, phone, false FROM people WHERE phone IS NOT NULL AND phone <> ''
), masks AS (  -- 153****7950: digits keep their places; rim***@qq.com: a run of * is one or more characters
    SELECT account_id, CASE WHEN regexp_full_match(m, '[0-9*]+') THEN replace(m, '*', '_')
                            ELSE regexp_replace(replace(replace(replace(m, '\', '\\'), '%', '\%'), '_', '\_'),
                                                '[*]+', '_%', 'g') END AS pattern
    FROM (SELECT account_id, substr(account_id, 8) AS m FROM accounts
          WHERE person_id IS NULL AND account_id LIKE 'alipay:%*%')
), candidates AS (
    SELECT a.account_id, v.person_id FROM accounts a JOIN values_shown v
      ON v.is_account AND a.account_id = 'alipay:' || v.value
    WHERE a.person_id IS NULL
    UNION ALL
    SELECT m.account_id, v.person_id FROM masks m JOIN values_shown v ON v.value LIKE m.pattern ESCAPE '\'
    UNION ALL
    SELECT a.account_id, p.person_id FROM accounts a JOIN people p ON a.account_id = 'alipayname:' || p.name
    WHERE a.person_id IS NULL
)
SELECT account_id, any_value(person_id) AS person_id FROM candidates
GROUP BY account_id HAVING count(DISTINCT person_id) = 1
"""


def resolve_alipay_accounts(con: duckdb.DuckDBPyConnection) -> None:
    """Alipay counterparties → people.csv (``accounts.person_id``; the account ids stay as the bill
    shows them): ``alipay:<account>`` by 支付宝账号, a masked account by the one 支付宝账号 or
    手机号 that fits the mask, ``alipayname:<name>`` by the one person with that 姓名. Two
    candidate people → left unresolved (never a guess)."""
    con.execute(_ALIPAY_PEOPLE_SQL)
    con.execute(
        "UPDATE accounts SET person_id = m.person_id FROM _alipay_people m "
        "WHERE accounts.account_id = m.account_id AND accounts.person_id IS NULL"
    )


def resolve_chat_names(con: duckdb.DuckDBPyConnection) -> None:
    """``chatname:<name>`` chat ids → the ``…@chatroom`` id of the one group with that name."""
    con.execute("""
        CREATE OR REPLACE TEMP TABLE _chat_map AS
        SELECT 'chatname:' || name AS from_chat, any_value(group_id) AS to_chat
        FROM groups WHERE name IS NOT NULL AND name <> '' GROUP BY name HAVING count(DISTINCT group_id) = 1
    """)

    if count_rows(con, "SELECT count(*) FROM _chat_map") == 0:
        return
    for table in ("messages", "payments"):
        materialize(con, table)
        con.execute(
            f"UPDATE {table} SET chat_id = m.to_chat FROM _chat_map m WHERE {table}.chat_id = m.from_chat"
        )


def mark_registered_groups(con: duckdb.DuckDBPyConnection) -> None:
    """groups.registered / declared_kind from the work-group register (groups.csv)."""
    con.execute("""
        UPDATE groups SET registered = (r.group_id IS NOT NULL),
                          declared_kind = coalesce(r.group_type, groups.declared_kind)
        FROM groups g LEFT JOIN group_register r ON g.group_id = r.group_id
        WHERE groups.group_id = g.group_id
    """)
