"""Report fixtures: a case config, a small dataset with payments, and findings built as objects."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from hongxian.case import CaseConfig
from hongxian.dataset.dataset import Dataset
from hongxian.report.inputs import DecisionRecord, ReportFinding, ReportInput
from hongxian.schema import Evidence, Finding, RuleRef, Subject, Window

TZ = ZoneInfo("Asia/Shanghai")
HOSTILE = "<script>alert('x')</script>"
PHONE = "13812345678"
ID_NO = "110101199003071234"


def ts(day: int, hour: int = 10) -> datetime:
    return datetime(2024, 2, day, hour, 0, tzinfo=TZ)


def make_case() -> CaseConfig:
    return CaseConfig.model_validate(
        {
            "case": {"id": "T-001", "title": "测试案件"},
            "authorisation": {
                "approved_by": "某县纪委监委第三审查调查室",
                "approved_on": "2024-01-01",
                "basis": "立案审查",
                "case_number": "县纪立〔2024〕1号",
            },
            "scope": {"start": "2024-01-01", "end": "2024-12-31"},
        }
    )


def make_dataset() -> Dataset:
    people = [
        {
            "person_id": "P001",
            "name": "张三",
            "org_unit": "某局",
            "wechat_ids": ["wxid_zhang"],
            "alipay_accounts": [],
        },
        {
            "person_id": "P002",
            "name": "李四",
            "org_unit": "某局",
            "wechat_ids": ["wxid_li"],
            "alipay_accounts": [],
        },
    ]
    accounts = [
        {"account_id": "wxid_zhang", "platform": "wechat", "person_id": "P001", "display_name": "张三"},
        {"account_id": "wxid_li", "platform": "wechat", "person_id": "P002", "display_name": "李四"},
        {"account_id": "wxid_boss", "platform": "wechat", "display_name": "王老板"},
    ]
    payments = []
    for i in range(6):
        payments.append(
            {
                "payment_id": f"pay-in-{i}",
                "ts": ts(8 + i),
                "kind": "red_packet",
                "payer_account": "wxid_boss",
                "payee_account": "wxid_zhang",
                "amount_fen": 20000 + i * 100,
                "status": "received",
                "memo": f"新春快乐 {PHONE}",
                "owner_account": "wxid_zhang",
            }
        )
    payments.append(
        {
            "payment_id": "pay-out-1",
            "ts": ts(10, 15),
            "kind": "transfer",
            "payer_account": "wxid_zhang",
            "payee_account": "wxname:赵五",
            "amount_fen": 123456,
            "status": "paid",
            "owner_account": "wxid_zhang",
        }
    )
    payments.append(
        {
            "payment_id": "pay-li-1",
            "ts": ts(9),
            "kind": "transfer",
            "payer_account": "wxid_boss",
            "payee_account": "wxid_li",
            "amount_fen": 50000,
            "owner_account": "wxid_li",
        }
    )
    return Dataset.from_rows(people=people, accounts=accounts, payments=payments)


def _gift_finding() -> Finding:
    evidence = [
        Evidence(
            table="payments",
            id=f"pay-in-{i}",
            ts=ts(8 + i),
            amount_fen=20000 + i * 100,
            excerpt=f"红包 {HOSTILE} 联系电话 {PHONE}",
        )
        for i in range(6)
    ]
    return Finding(
        finding_id="f-gift-1",
        check_id="gift-money.festival-red-packets",
        category="integrity.gift_money",
        severity="high",
        score=0.91,
        title="春节期间多次收受管理服务对象红包",
        subject=Subject(kind="person", id="P001", name="张三"),
        window=Window(start=ts(8), end=ts(13)),
        evidence=evidence,
        rule_refs=[
            RuleRef(
                code="中国共产党纪律处分条例(2023)",
                article="第九十七条",
                title="收受礼品礼金",
                penalties="情节较轻的，给予警告或者严重警告处分；情节较重的，给予撤销党内职务或者留党察看处分",
            ),
            RuleRef(code="浙江省党员干部微信使用十条戒律", article="第六条", verified=False),
        ],
        explanation=f"6 天内收受王老板红包 6 次，合计 1,215.00 元。{HOSTILE}",
        suggestion="建议核实双方是否存在管理服务关系。",
    )


def _privacy_finding() -> Finding:
    return Finding(
        finding_id="f-priv-1",
        check_id="privacy.id-number",
        category="privacy.disclosure",
        severity="medium",
        score=0.7,
        title="在群聊中发布他人身份证号码",
        subject=Subject(kind="account", id="wxid_li", name="李四"),
        evidence=[
            Evidence(table="messages", id="msg-1", ts=ts(20), excerpt=f"王某身份证 {ID_NO}，电话 {PHONE}")
        ],
        rule_refs=[RuleRef(code="天津市党员干部微信使用十严禁", article="第九条")],
        explanation=f"消息含他人身份证号 {ID_NO}。",
    )


def make_findings() -> list[ReportFinding]:
    at = ts(25)
    return [
        ReportFinding(
            _gift_finding(),
            status="确认",
            decisions=[DecisionRecord("确认", "审查员甲", at, f"经核实属实 {PHONE}")],
        ),
        ReportFinding(_privacy_finding()),
    ]


def make_input(person: str | None = None) -> ReportInput:
    return ReportInput(
        case=make_case(),
        findings=make_findings(),
        dataset=make_dataset(),
        person=person,
        generated_at=ts(28) + timedelta(hours=1),
        rulebook_version="rb-test-0001",
        sources=[
            {
                "path": "exports/微信支付账单.xlsx",
                "format": "wechat_pay_bill",
                "rows_ok": 8,
                "rows_rejected": 0,
                "owner_person": "P001",
            }
        ],
    )


@pytest.fixture
def report_input() -> ReportInput:
    return make_input()
