"""Money flows cover every payment of the subjects: group red packets are flows (the group is the
counterparty); whatever is left out is counted with its reason in HTML and XLSX."""

from __future__ import annotations

from dataclasses import replace

from openpyxl import load_workbook

from hongxian.dataset.dataset import Dataset
from hongxian.report.html import render_html
from hongxian.report.money import money_flows
from hongxian.report.xlsx import write_xlsx
from tests.report.conftest import make_input, ts


def _dataset() -> Dataset:
    people = [{"person_id": "P001", "name": "张三", "wechat_ids": ["wxid_zhang"], "alipay_accounts": []}]
    accounts = [{"account_id": "wxid_zhang", "platform": "wechat", "person_id": "P001"}]
    groups = [{"group_id": "123@chatroom", "name": "古云村党总支部"}]
    pay = [
        {
            "payment_id": f"grp-{i}",
            "ts": ts(11, 20),
            "kind": "red_packet",
            "payer_account": "wxid_zhang",
            "chat_id": "123@chatroom",
            "amount_fen": 140000,
            "status": "支付成功",
            "direction": "out",
            "owner_account": "wxid_zhang",
        }
        for i in range(6)
    ]
    pay += [
        {
            "payment_id": "in-1",
            "ts": ts(12),
            "kind": "transfer",
            "payer_account": "wxid_x",
            "payee_account": "wxid_zhang",
            "amount_fen": 5000,
            "direction": "in",
        },
        {
            "payment_id": "failed-1",
            "ts": ts(12),
            "kind": "transfer",
            "payer_account": "wxid_zhang",
            "payee_account": "wxid_x",
            "amount_fen": 7000,
            "status": "支付失败",
        },
        {
            "payment_id": "refund-1",
            "ts": ts(13),
            "kind": "refund",
            "payer_account": "wxid_x",
            "payee_account": "wxid_zhang",
            "amount_fen": 300,
        },
        {
            "payment_id": "noamt-1",
            "ts": ts(13),
            "kind": "red_packet",
            "payer_account": "wxid_x",
            "payee_account": "wxid_zhang",
        },
        {
            "payment_id": "other",
            "ts": ts(13),
            "kind": "transfer",
            "payer_account": "wxid_x",
            "payee_account": "wxid_y",
            "amount_fen": 999,
        },
    ]
    return Dataset.from_rows(people=people, accounts=accounts, groups=groups, payments=pay)


def _input():
    return replace(make_input(person="P001"), dataset=_dataset())


def test_group_red_packets_are_flows_with_the_group_as_counterparty() -> None:
    m = money_flows(_input())
    group = [f for f in m.flows if f.payment_id.startswith("grp-")]
    assert len(group) == 6
    assert {m.label(f.counterparty) for f in group} == {"群聊：古云村党总支部"}
    assert m.total_out == 6 * 140000 and m.total_in == 5000
    assert m.edges()[0][2] == 840000


def test_every_subject_payment_is_a_flow_or_left_out_with_its_reason() -> None:
    m = money_flows(_input())
    assert m.considered == 10  # all but the payment between two strangers
    reasons = {x.reason: (x.count, x.amount_fen) for x in m.left_out}
    assert reasons == {"refund": (1, 300), "failed": (1, 7000), "no_amount": (1, 0)}


def test_html_and_xlsx_say_what_is_left_out(tmp_path) -> None:
    html = render_html(_input())
    assert "8,400.00" in html
    assert "共 10 笔，计入资金往来 7 笔" in html and "交易失败、关闭或已取消 1 笔（70.00 元）" in html
    path = write_xlsx(_input(), tmp_path / "r.xlsx")
    ws = load_workbook(path)["资金往来"]
    cells = [str(c.value) for row in ws.iter_rows() for c in row if c.value is not None]
    assert cells.count("群聊：古云村党总支部") == 6
    assert any("未计入：退款记录" in c for c in cells)
    assert any("共 10 笔，计入 7 笔" in c for c in cells)


def test_reports_lead_with_dossiers_and_show_who_paid_whom(tmp_path) -> None:
    """Demo-like overlap: two findings citing the same five packets; one money total in the dossier."""
    from hongxian.case import CasePaths
    from hongxian.dataset.dataset import Dataset
    from hongxian.report.inputs import ReportFinding
    from tests.web.evidencecase import evidence_findings, write_dataset

    write_dataset(tmp_path)
    inp = replace(
        make_input(),
        dataset=Dataset.open(CasePaths(tmp_path).state),
        findings=[ReportFinding(f) for f in evidence_findings()],
        sources=[],
    )
    html = render_html(inp)
    assert html.index("二、人员画像（线索档案）") < html.index("三、发现统计")
    assert "其中 1,000.00 元为重复计算" in html and "共用 5 行证据" in html
    assert "李四 → 张三" in html and "群聊“古云村党总支部”（群红包，领取人不详）" in html
    book = load_workbook(write_xlsx(inp, tmp_path / "d.xlsx"))
    assert book.sheetnames[1] == "人员画像"
    cells = [str(c.value) for row in book["人员画像"].iter_rows() for c in row if c.value is not None]
    assert any("去重金额 3,800.00 元" in c for c in cells)
    ev = [str(c.value) for row in book["证据"].iter_rows() for c in row if c.value is not None]
    assert "李四 → 张三" in ev


def test_merchants_are_not_relations_in_the_network() -> None:
    from hongxian.report.money import Flow, MoneyFlows

    t = ts(12)
    m = MoneyFlows(
        subjects=["a", "b"],
        labels={"a": "甲", "b": "乙", "shop": "美团平台商户"},
        flows=[
            Flow("1", t, "merchant", "a", "shop", "out", 100, ""),
            Flow("2", t, "merchant", "b", "shop", "out", 200, ""),
        ],
    )
    net = m.for_network()
    assert {f.counterparty for f in net.flows} == {"merchants-of:a", "merchants-of:b"}
    assert net.label("merchants-of:a") == "商户消费（甲）"
    assert m.flows[0].counterparty == "shop"  # the flows themselves are unchanged
