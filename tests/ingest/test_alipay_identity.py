"""Alipay counterparties resolved to people.csv in the dataset build (`identity.resolve_alipay_accounts`).

An Alipay bill shows the other side as 对方账号 (often masked: ``153****7950``, ``rim***@qq.com``)
or only as a name (``alipayname:<交易对方>``). The build attaches the one matching person to the
account row and leaves the account id — the payments keep pointing at what the bill showed.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from hongxian.dataset.store import read_table
from hongxian.ingest.pipeline import ingest_case
from hongxian.testing.bills import AlipayBillRow, write_alipay_csv
from tests.conftest import PEOPLE_HEADER

PEOPLE = [
    # 人员编号,姓名,单位,职务,职级,政治面貌,身份类别,职责,籍贯,微信号,微信昵称,
    # 支付宝账号,手机号,在职状态,调离日期
    "P001,林小舟,粮站,站长,,中共党员,公职人员,,,wxid_lin,林小舟,linxz@example.com,13900000001,在职,",
    "P002,陈某,,,,群众,企业人员,,,,,chen.mou@163.com,15300007950,在职,",
    "P003,周某,,,,群众,个体经营者,,,,,rimu2024@qq.com,13800000003,在职,",
    "P004,王某,,,,群众,群众,,,,,wang@example.com;rima@qq.com,13800000004,在职,",
    "P005,张三,,,,群众,群众,,,,,,,在职,",
    "P006,李四,,,,群众,群众,,,,,,,在职,",
    "P007,李四,,,,群众,群众,,,,,,,在职,",
    "P008,赵某,,,,群众,群众,,,,,zhao@example.com,,在职,",
]


def _row(i: int, party: str, account: str) -> AlipayBillRow:
    return AlipayBillRow(
        datetime(2024, 5, 20, 13, i),
        "转账红包",
        party,
        account,
        "转账",
        "支出",
        100 + i,
        "余额",
        "交易成功",
        f"2024052020004001110088{i:010d}",
    )


def _accounts(case_dir: Path, rows: list[AlipayBillRow]) -> dict[str, str | None]:
    (case_dir / "people.csv").write_text("\n".join([PEOPLE_HEADER, *PEOPLE]) + "\n", encoding="utf-8")
    write_alipay_csv(case_dir / "exports" / "alipay.csv", rows, name="林小舟", account="linxz@example.com")
    ingest_case(case_dir)
    return {a["account_id"]: a["person_id"] for a in read_table(case_dir, "accounts").to_pylist()}


def test_alipay_accounts_exact_masked_and_by_name(case_dir: Path):
    rows = [
        _row(1, "赵某", "zhao@example.com"),  # 支付宝账号 exactly
        _row(2, "陈某某", "153****7950"),  # masked phone: P002's 手机号 only
        _row(3, "某人", "chen***@163.com"),  # masked e-mail: P002's 支付宝账号
        _row(4, "张三", "/"),  # no account: the one person named 张三
    ]
    accounts = _accounts(case_dir, rows)
    assert accounts["alipay:linxz@example.com"] == "P001"  # the owner, as before
    assert accounts["alipay:zhao@example.com"] == "P008"
    assert accounts["alipay:153****7950"] == "P002"
    assert accounts["alipay:chen***@163.com"] == "P002"
    assert accounts["alipayname:张三"] == "P005"
    payments = read_table(case_dir, "payments").to_pylist()
    assert {p["payee_account"] for p in payments} == {
        "alipay:zhao@example.com",
        "alipay:153****7950",
        "alipay:chen***@163.com",
        "alipayname:张三",
    }


def test_ambiguous_or_unknown_stay_unresolved(case_dir: Path):
    rows = [
        _row(1, "李四", "/"),  # two people named 李四
        _row(2, "某甲", "rim***@qq.com"),  # fits P003 and P004: no guess
        _row(3, "某乙", "139****0009"),  # fits nobody
        _row(4, "某丙", "1539****7950"),  # digits keep their places: 12 characters fit no 11-digit phone
        _row(5, "无名氏", "/"),
        _row(6, "某丁", "zhao@example.co"),  # not a mask: exact only
    ]
    accounts = _accounts(case_dir, rows)
    for account in (
        "alipayname:李四",
        "alipay:rim***@qq.com",
        "alipay:139****0009",
        "alipay:1539****7950",
        "alipayname:无名氏",
        "alipay:zhao@example.co",
    ):
        assert account in accounts and accounts[account] is None, account


def test_mask_special_characters_are_literal(case_dir: Path):
    (case_dir / "people.csv").write_text(
        "\n".join(
            [
                PEOPLE_HEADER,
                "P010,甲,,,,群众,群众,,,,,a_b%c@x.com,,在职,",
                "P011,乙,,,,群众,群众,,,,,aXbYc@x.com,,在职,",
            ]
        )
        + "\n",
        encoding="utf-8",
    )
    write_alipay_csv(
        case_dir / "exports" / "alipay.csv",
        [_row(1, "某", "a_b***@x.com")],
        name="林小舟",
        account="linxz@example.com",
    )
    ingest_case(case_dir)
    accounts = {a["account_id"]: a["person_id"] for a in read_table(case_dir, "accounts").to_pylist()}
    assert accounts["alipay:a_b***@x.com"] == "P010"  # "_" is not a wildcard: P011 does not fit
