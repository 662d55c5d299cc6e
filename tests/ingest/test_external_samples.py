"""Every real public sample bill in tests/data/external (vendored, see NOTICE), through the whole
ingest pipeline.

Expected figures were counted by hand from the files (README there): rows, money per direction
to the fen, kinds, refund pairs. The double-entry-generator WeChat sample repeats 交易单号
(3985734 on eight rows) and its three containers (CSV, XLSX 2025, XLSX 2026) hold the same rows.
"""

from __future__ import annotations

import shutil
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from hongxian.dataset.store import read_table
from hongxian.ingest.alipay_bill import DIRECTIONS as ALIPAY_DIRECTIONS
from hongxian.ingest.alipay_bill import AlipayBillReader
from hongxian.ingest.base import ReaderRegistry
from hongxian.ingest.pipeline import ingest_case
from hongxian.ingest.wechat_bill import WeChatBillReader
from hongxian.testing.bills import WeChatBillRow, WeChatCsvStyle, wechat_csv_line
from tests.conftest import PEOPLE_HEADER

PEOPLE = PEOPLE_HEADER + "\nP001,测试人,某局,科员,,中共党员,公职人员,,,wxid_test,测试,xx@gmail.com,,在职,\n"
DEG = "double-entry-generator/"
DAORU = "beancount-daoru/"
WECHAT_KINDS = {"merchant": 6, "red_packet": 1, "qr": 5, "transfer": 1, "gift_card": 1, "other": 13}
WECHAT_SUMS = {"out": (11, 290453), "in": (5, 2849), "neutral": (11, 2610089)}


@dataclass
class Expect:
    format: str
    rows: int
    sums: dict[str, tuple[int, int]]  # direction → (rows, fen)
    kinds: dict[str, int]
    owner: str
    refunds: dict[str, str] = field(default_factory=dict)  # refund txn_id → original raw_type
    repeated: dict[str, int] = field(default_factory=dict)  # txn_id → rows sharing it
    spot: dict[tuple[str, str], int] = field(default_factory=dict)  # (raw_type, ts) → fen


SAMPLES = {
    DEG + "example-wechat-records.csv": Expect(
        "微信支付账单 CSV",
        27,
        WECHAT_SUMS,
        WECHAT_KINDS,
        "wxid_test",
        repeated={"3985734": 8, "123456": 2},
        spot={("商户消费", "2023-07-09 13:30:22"): 5000, ("商户消费", "2021-07-18 10:48:09"): 7},
    ),
    DEG + "example-wechat-records-2025layout.xlsx": Expect(
        "微信支付账单 XLSX(2025版式)", 27, WECHAT_SUMS, WECHAT_KINDS, "wxid_test", repeated={"3985734": 8}
    ),
    DEG + "example-wechat-records.xlsx": Expect(
        "微信支付账单 XLSX(2026版式)",
        27,
        WECHAT_SUMS,
        WECHAT_KINDS,
        "wxid_test",
        repeated={"3985734": 8},
        spot={("信用卡还款", "2017-10-20 18:36:44"): 54858, ("商户消费", "2022-07-18 10:48:09"): 7},
    ),
    DAORU + "微信支付账单流水文件(20190801-20190930)——【解压密码可在微信支付公众号查看】.xlsx": Expect(
        "微信支付账单 XLSX(2025版式)",
        28,
        {"out": (11, 295523), "in": (6, 2860), "neutral": (11, 2610089)},
        {"merchant": 7, "red_packet": 1, "qr": 5, "transfer": 1, "gift_card": 1, "refund": 1, "other": 12},
        "wxid_test",
        refunds={"123456": "商户消费"},
        spot={("商户消费", "2025-12-10 17:19:40"): 5071},
    ),
    DEG + "example-alipay-records.csv": Expect(
        "支付宝账单 CSV",
        10,
        {"out": (5, 21164), "in": (1, 22222850), "neutral": (4, 24737)},
        {"gift_card": 1, "merchant": 4, "other": 2, "refund": 2, "transfer": 1},
        "alipay:xx@gmail.com",
        refunds={"2023xxxxx88_2023xx57": "交通出行"},
        repeated={"xxxx": 3},
    ),
    DAORU + "支付宝交易明细(20230210-20230213).csv": Expect(
        "支付宝账单 CSV",
        11,
        {"out": (5, 21164), "in": (1, 22222850), "neutral": (5, 31394)},
        {"gift_card": 1, "merchant": 4, "other": 3, "refund": 2, "transfer": 1},
        "alipay:xx@gmail.com",
        refunds={"2023xxxxx88_2023xx57": "交通出行"},
        repeated={"2023xxxxx88": 2},
        spot={("转账红包", "2023-01-18 10:17:29"): 22222850},
    ),
}


def registry() -> ReaderRegistry:
    return ReaderRegistry([WeChatBillReader(), AlipayBillReader()])


def make_case(case_dir: Path, external_dir: Path, names) -> Path:
    (case_dir / "people.csv").write_text(PEOPLE, encoding="utf-8")
    for name in names:
        shutil.copy(external_dir / name, case_dir / "exports" / Path(name).name)
    return case_dir


def test_every_external_file_is_covered(external_dir: Path):
    found = {
        str(p.relative_to(external_dir))
        for p in external_dir.rglob("*")
        if p.is_file() and p.name not in ("README.md", "LICENSE")
    }
    assert found == set(SAMPLES)


@pytest.mark.parametrize("name", sorted(SAMPLES))
def test_external_sample(case_dir: Path, external_dir: Path, name: str):
    exp = SAMPLES[name]
    make_case(case_dir, external_dir, [name])
    report = ingest_case(case_dir, registry=registry())
    source = [s for s in report.sources if s.path.startswith("exports/")][0]
    assert (source.status, source.format, source.rows_rejected, source.owner) == (
        "ingested",
        exp.format,
        0,
        "P001",
    )
    pays = read_table(case_dir, "payments").to_pylist()
    assert len(pays) == exp.rows and len({p["payment_id"] for p in pays}) == exp.rows
    sums = {}
    for p in pays:
        # the peers sign a refund as the platform's 收/支 column does (kept in raw_direction);
        # our `direction` of a refund is always "in" (money back to the owner)
        sign = p["direction"]
        if p["kind"] == "refund":
            assert sign == "in"
            sign = ALIPAY_DIRECTIONS.get(p["raw_direction"] or "", "neutral")
        n, fen = sums.get(sign, (0, 0))
        sums[sign] = (n + 1, fen + p["amount_fen"])
    assert sums == exp.sums
    assert Counter(p["kind"] for p in pays) == exp.kinds
    assert {p["owner_account"] for p in pays} == {exp.owner}
    txns = Counter(p["txn_id"] for p in pays)
    for txn, n in exp.repeated.items():
        assert txns[txn] == n, txn
    by_id = {p["payment_id"]: p for p in pays}
    paired = {p["txn_id"]: by_id[p["refund_of"]]["raw_type"] for p in pays if p["refund_of"]}
    assert paired == exp.refunds
    for p in pays:
        if p["refund_of"]:
            assert by_id[p["refund_of"]]["refunded_fen"] == p["amount_fen"]
    for (raw_type, ts), fen in exp.spot.items():
        hits = [p for p in pays if p["raw_type"] == raw_type and p["ts"].strftime("%Y-%m-%d %H:%M:%S") == ts]
        assert [p["amount_fen"] for p in hits] == [fen], (raw_type, ts)
    again = ingest_case(case_dir, registry=registry())
    assert [s.status for s in again.sources if s.path.startswith("exports/")] == ["unchanged"]
    assert read_table(case_dir, "payments").num_rows == exp.rows


def test_all_samples_together_collapse_identical_rows(case_dir: Path, external_dir: Path):
    make_case(case_dir, external_dir, SAMPLES)
    report = ingest_case(case_dir, registry=registry())
    assert report.rejected == 0
    assert all(s.status == "ingested" for s in report.sources)
    pays = read_table(case_dir, "payments").to_pylist()
    # WeChat: 27 rows shared by the three double-entry-generator files, +2 only in beancount-daoru
    # (the 美团 payment and its refund); Alipay: 10 shared rows + 1 (余额宝 2025).
    assert len(pays) == 29 + 11
    assert Counter(p["txn_id"] for p in pays)["3985734"] == 8
    assert {p["payer_account"] for p in pays if p["direction"] == "out"} == {
        "wxid_test",
        "alipay:xx@gmail.com",
    }
    accounts = {a["account_id"]: a for a in read_table(case_dir, "accounts").to_pylist()}
    assert accounts["wxid_test"]["person_id"] == "P001"
    assert accounts["alipay:xx@gmail.com"]["person_id"] == "P001"
    assert accounts["wxname:同性好友"]["display_name"] == "同性好友"
    again = ingest_case(case_dir, registry=registry())
    assert again.table_counts == report.table_counts


def test_reexported_bill_adds_only_new_rows(case_dir: Path, external_dir: Path):
    name = DEG + "example-wechat-records.csv"
    make_case(case_dir, external_dir, [name])
    first = ingest_case(case_dir, registry=registry()).table_counts["payments"]
    copy = case_dir / "exports" / "example-wechat-records.csv"
    extra = WeChatBillRow(
        "2024-06-08 09:00:00",
        "转账",
        "房东",
        "转账备注:房租",
        "支出",
        150000,
        "零钱",
        "朋友已收钱",
        "100005000124060800011",
        "1000050001202406080001",
    )
    copy.write_text(
        copy.read_text(encoding="utf-8") + wechat_csv_line(extra, WeChatCsvStyle()) + "\n", encoding="utf-8"
    )
    report = ingest_case(case_dir, registry=registry())
    assert [s.status for s in report.sources if s.path.startswith("exports/")] == ["ingested"]
    assert report.table_counts["payments"] == first + 1
