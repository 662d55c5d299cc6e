from pathlib import Path

import pytest
from typer.testing import CliRunner

from hongxian.case import CaseError, load_case_config
from hongxian.cli import app
from hongxian.dataset.store import read_table
from hongxian.ingest.base import ReaderRegistry
from hongxian.ingest.pipeline import ingest_case
from tests.conftest import PEOPLE_HEADER

NO_READERS = ReaderRegistry([])


def test_missing_authorisation_is_exit_2_and_nothing_is_screened(case_dir: Path):
    (case_dir / "case.toml").write_text('[case]\nid = "X"\n', encoding="utf-8")
    with pytest.raises(CaseError, match="authorisation"):
        load_case_config(case_dir)
    result = CliRunner().invoke(app, ["ingest", str(case_dir)])
    assert result.exit_code == 2
    assert "授权" in result.output
    assert not (case_dir / ".hongxian").exists()


def test_invalid_basis_is_explained(case_dir: Path):
    text = (case_dir / "case.toml").read_text(encoding="utf-8").replace("立案审查", "随便看看")
    (case_dir / "case.toml").write_text(text, encoding="utf-8")
    with pytest.raises(CaseError, match="依据"):
        load_case_config(case_dir)


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gb18030"])
def test_people_register_encodings_and_rejects(case_dir: Path, encoding: str):
    rows = [
        PEOPLE_HEADER,
        "P1,张三,某粮站,副站长,科级,中共党员,公职人员,粮食收购,安徽界首,wxid_zs;zs2016,张三丰,,13900000000,在职,",
        "P2,李四,,,,群众,外星人,,,,,,,在职,",
        "P3,王五,,,,群众,企业人员,,,,,,,调离,",
        "P4,赵六,,,,中共预备党员,企业人员,,,,赵老板;小赵,,,,",
    ]
    (case_dir / "people.csv").write_bytes(("\n".join(rows) + "\n").encode(encoding))
    report = ingest_case(case_dir, registry=NO_READERS)
    people = read_table(case_dir, "people").to_pylist()
    assert [p["person_id"] for p in people] == ["P1", "P4"]
    assert people[0]["wechat_ids"] == ["wxid_zs", "zs2016"] and people[0]["is_official"]
    assert people[1]["is_party_member"] and people[1]["wechat_nicknames"] == ["赵老板", "小赵"]
    rejects = read_table(case_dir, "rejects").to_pylist()
    assert [(r["row_number"], r["column"]) for r in rejects] == [(3, "身份类别"), (4, "调离日期")]
    assert "外星人" in rejects[0]["error"]
    assert report.rejected == 2


def test_people_register_xlsx(case_dir: Path):
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(PEOPLE_HEADER.split(","))
    ws.append(
        [
            "P9",
            "钱七",
            "某局",
            "局长",
            "正处",
            "中共党员",
            "公职人员",
            "",
            "",
            "wxid_q",
            "",
            "",
            13800000000,
            "在职",
            None,
        ]
    )
    wb.save(case_dir / "people.xlsx")
    ingest_case(case_dir, registry=NO_READERS)
    people = read_table(case_dir, "people").to_pylist()
    assert people[0]["phone"] == "13800000000" and people[0]["name"] == "钱七"


def test_unrecognised_export_is_listed_and_skipped(case_dir: Path):
    (case_dir / "exports" / "notes.bin").write_bytes(b"\x00\x01 not an export")
    (case_dir / "exports" / "notes.txt").write_text("随手记", encoding="utf-8")  # a loose document (issue 17)
    result = CliRunner().invoke(app, ["ingest", str(case_dir)])
    assert result.exit_code == 0, result.output
    assert "无法识别" in result.output
    assert "附件：1 个" in result.output


def test_declaring_an_owner_in_case_toml_rereads_an_unchanged_file(case_dir: Path):
    from datetime import datetime

    from hongxian.ingest.registry import default_registry
    from hongxian.testing.bills import WeChatBillRow, write_wechat_csv

    (case_dir / "people.csv").write_text(
        PEOPLE_HEADER + "\nP7,孙七,某局,科长,科级,中共党员,公职人员,,,wxid_sun7,,,,在职,\n", encoding="utf-8"
    )
    folder = case_dir / "exports" / "孙七账单"
    folder.mkdir()
    row = WeChatBillRow(
        datetime(2024, 3, 1, 10),
        "转账",
        "老周",
        "转账备注:还款",
        "收入",
        50000,
        "/",
        "已存入零钱",
        "100005000124030100011122233344455566",
        "1000050001202403010111222333444",
    )
    write_wechat_csv(folder / "bill.csv", [row], nickname="不认识的昵称")
    first = ingest_case(case_dir, registry=default_registry())
    assert [s.owner for s in first.sources if s.path.endswith("bill.csv")] == ["wxname:不认识的昵称"]
    toml = (case_dir / "case.toml").read_text(encoding="utf-8")
    (case_dir / "case.toml").write_text(
        toml + '\n[[sources]]\npath = "exports/孙七账单"\nowner = "P7"\n', encoding="utf-8"
    )
    second = ingest_case(case_dir, registry=default_registry())
    bill = [s for s in second.sources if s.path.endswith("bill.csv")][0]
    assert bill.status == "ingested" and bill.owner == "P7"
    payee = read_table(case_dir, "payments").to_pylist()[0]["payee_account"]
    assert payee == "wxid_sun7"
    third = ingest_case(case_dir, registry=default_registry())
    assert [s.status for s in third.sources if s.path.endswith("bill.csv")] == ["unchanged"]


def test_ingest_table_names_formats_in_words(case_dir: Path):
    """The 格式 column says what a file was read as (人员登记表), not the reader's code (register:people)."""
    (case_dir / "people.csv").write_text(
        PEOPLE_HEADER + "\nP1,张三,,,,群众,公职人员,,,,,,,在职,\n", encoding="utf-8"
    )
    result = CliRunner().invoke(app, ["ingest", str(case_dir)])
    assert result.exit_code == 0, result.output
    assert "人员登记表" in result.output and "register:" not in result.output
