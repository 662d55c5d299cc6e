"""A review case with an ingested dataset behind its findings: payments (one into a group), a chat
with an ID number, findings that share evidence (for evidence facts, reveals and dossiers)."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from hongxian.canonical import table_from_rows
from hongxian.case import CasePaths
from hongxian.dataset.store import TableStore
from hongxian.schema import Finding
from tests.review.factory import make_finding
from tests.web.webcase import WebCase, build_case

TZ = ZoneInfo("Asia/Shanghai")
ID_NO = "110101199003071234"
PHONE = "13812345678"
GROUP = "555@chatroom"
SHARED = [f"pay-s{i}" for i in range(5)]  # five 200 元 packets cited by two findings


def _t(day: int, minute: int = 0) -> datetime:
    return datetime(2024, 2, day, 10, 0, tzinfo=TZ) + timedelta(minutes=minute)


def _payments() -> list[dict]:
    rows = [
        {
            "payment_id": pid,
            "source_id": "s-bill",
            "ts": _t(9, i),
            "kind": "red_packet",
            "payer_account": "wxid_li",
            "payee_account": "wxid_zhang",
            "amount_fen": 20000,
            "status": "已存入零钱",
            "memo": f"新春快乐 有事打{PHONE}",
            "direction": "in",
            "owner_account": "wxid_zhang",
            "txn_id": f"1000039801{i:04d}",
        }
        for i, pid in enumerate(SHARED)
    ]
    rows += [
        {
            "payment_id": f"pay-g{i}",
            "source_id": "s-bill",
            "ts": _t(11, i),
            "kind": "red_packet",
            "payer_account": "wxid_zhang",
            "chat_id": GROUP,
            "amount_fen": 140000,
            "status": "支付成功",
            "memo": "元宵快乐，换届请支持我",
            "direction": "out",
            "owner_account": "wxid_zhang",
            "message_id": f"m-g{i}",
        }
        for i in range(2)
    ]
    return rows


def _messages() -> list[dict]:
    texts = ["大家好", "明天开会", f"王某身份证 {ID_NO}，电话 {PHONE}", "收到", "好的", "散会"]
    return [
        {
            "message_id": f"m-{i}",
            "source_id": "s-chat",
            "chat_id": GROUP,
            "is_group": True,
            "sender_account": "wxid_li" if i == 2 else "wxid_zhang",
            "ts": _t(12, i),
            "kind": "text",
            "text": text,
        }
        for i, text in enumerate(texts)
    ]


def write_dataset(case_dir: Path) -> None:
    store = TableStore(CasePaths(case_dir).state)
    people = [
        {"person_id": "P001", "name": "张三", "wechat_ids": ["wxid_zhang"], "alipay_accounts": []},
        {"person_id": "P002", "name": "李四", "wechat_ids": ["wxid_li"], "alipay_accounts": []},
    ]
    store.write_case_table("people", table_from_rows("people", people))
    tables = {
        "accounts": [
            {"account_id": "wxid_zhang", "person_id": "P001", "display_name": "张站长"},
            {"account_id": "wxid_li", "person_id": "P002", "display_name": "李老板"},
        ],
        "groups": [{"group_id": GROUP, "name": "古云村党总支部"}],
        "payments": _payments(),
        "messages": _messages(),
    }
    for name, rows in tables.items():
        store.write_dataset_table(name, table_from_rows(name, rows))
    sources = [
        {"source_id": "s-bill", "path": "exports/张三账单/微信支付账单(20240101-20240301).csv"},
        {"source_id": "s-chat", "path": "exports/张三手机/聊天记录/古云村党总支部.csv"},
    ]
    store.write_sources(table_from_rows("sources", sources))


def evidence_findings() -> list[Finding]:
    splitting = make_finding(
        1, check="gift-money.splitting", evidence=SHARED, title="拆分收受红包", name="张三"
    )
    festival = make_finding(
        2,
        check="gift-money.festival",
        evidence=SHARED,
        title="节日期间收受红包",
        name="张三",
        related=["P002"],
    )
    vote = make_finding(
        3,
        check="vote-buying.payments-fan-out",
        category="integrity.vote_buying",
        evidence=["pay-g0", "pay-g1"],
        title="换届期间向群发红包",
        name="张三",
    )
    for e in vote.evidence:
        e.amount_fen = 140000
    for e in splitting.evidence + festival.evidence:
        e.amount_fen = 20000
    privacy = make_finding(
        4,
        check="privacy.identifiers",
        category="privacy.disclosure",
        person="P002",
        name="李四",
        title="在群聊中发布他人身份证号",
    )
    privacy.evidence = _message_evidence()
    return [splitting, festival, vote, privacy]


def _message_evidence():
    from hongxian.schema import Evidence

    return [
        Evidence(
            table="messages",
            id="m-2",
            ts=_t(12, 2),
            excerpt="王某身份证 110101********1234，电话 138****5678",
        )
    ]


def association_finding() -> Finding:
    """A 老乡会-style finding on the group: its members named by people rows and cited messages."""
    from hongxian.schema import Evidence, Subject

    f = make_finding(
        5,
        check="association.self-organised-network",
        category="network.association",
        title="自发成立老乡会性质的微信群",
    )
    evidence = [Evidence(table="groups", id=GROUP, note="群名“古云村党总支部”，成员 2 人")]
    evidence += [Evidence(table="people", id=pid, note="组织者") for pid in ("P001", "P002")]
    evidence += [Evidence(table="messages", id="m-1", ts=_t(12, 1), excerpt="明天开会")]
    return f.model_copy(
        update={"subject": Subject(kind="group", id=GROUP, name="古云村党总支部"), "evidence": evidence}
    )


def build_evidence_case(root: Path, extra: list[Finding] | None = None) -> WebCase:
    web = build_case(root, findings=evidence_findings() + (extra or []))
    write_dataset(web.case_dir)
    return web
