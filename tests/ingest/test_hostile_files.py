"""Issue 13, items 1–5: one bad file never stops a case (crashes and stalls)."""

from __future__ import annotations

import sqlite3
import zipfile
from pathlib import Path

from typer.testing import CliRunner

from hongxian.cli import app
from hongxian.dataset.store import read_table
from hongxian.ingest.appmsg import parse_appmsg, parse_claim, plain_text
from hongxian.ingest.chat_csv import PyWxDumpCsvReader
from hongxian.ingest.pipeline import ingest_case
from hongxian.ingest.registry import default_registry
from hongxian.ingest.wechat_db import WeChatDbReader
from hongxian.testing.wechat_db import read_source
from tests.conftest import PEOPLE_HEADER
from tests.ingest.hostile import (
    corrupt_deflate_xlsx,
    good_bill,
    msg_db,
    non_utf8_schema_db,
    quoted_table_db,
    zip_bomb_xlsx,
)
from tests.ingest.stallguard import stall_guard


def _by_path(report) -> dict:
    return {s.path.rsplit("/", 1)[-1]: s for s in report.sources}


# ---------------------------------------------------------------- 1. per-file isolation


def test_corrupt_deflate_xlsx_is_reported_and_the_rest_loads(case_dir: Path):
    good_bill(case_dir / "exports" / "good.csv")
    corrupt_deflate_xlsx(case_dir / "exports" / "broken.xlsx")
    report = ingest_case(case_dir, registry=default_registry())
    sources = _by_path(report)
    assert sources["good.csv"].status == "ingested" and sources["good.csv"].rows_ok == 3
    broken = sources["broken.xlsx"]
    assert broken.status == "failed" and broken.error and "broken.xlsx" not in (broken.error or "")
    assert len(read_table(case_dir, "payments")) == 3


def test_non_utf8_table_name_does_not_abort_the_ingest(case_dir: Path):
    good_bill(case_dir / "exports" / "good.csv")
    non_utf8_schema_db(case_dir / "exports" / "MSG0.db")
    report = ingest_case(case_dir, registry=default_registry())
    sources = _by_path(report)
    assert sources["good.csv"].status == "ingested"
    db = sources["MSG0.db"]
    assert db.status == "ingested", db
    assert len(read_table(case_dir, "messages")) == 3


def test_cr_only_people_register_is_read(case_dir: Path):
    rows = [PEOPLE_HEADER, "P1,张三,某粮站,副站长,科级,中共党员,公职人员,,,wxid_zs,张三丰,,,在职,"]
    (case_dir / "people.csv").write_bytes(("\r".join(rows) + "\r").encode("utf-8"))
    good_bill(case_dir / "exports" / "good.csv")
    report = ingest_case(case_dir, registry=default_registry())
    assert [p["person_id"] for p in read_table(case_dir, "people").to_pylist()] == ["P1"]
    assert _by_path(report)["good.csv"].status == "ingested"


def test_oversized_register_cell_rejects_only_its_row(case_dir: Path):
    huge = "长" * 140_000
    rows = [
        PEOPLE_HEADER,
        "P1,张三,某粮站,副站长,科级,中共党员,公职人员,,,wxid_zs,,,,在职,",
        f'P2,李四,"{huge}",,,,群众,,,,,,,在职,',
        "P3,王五,,,,群众,企业人员,,,,,,,在职,",
    ]
    (case_dir / "relations.csv").write_text("人员编号,关联人员编号,关系\nP1,P3,同事\n", encoding="utf-8")
    (case_dir / "people.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    report = ingest_case(case_dir, registry=default_registry())
    people = read_table(case_dir, "people").to_pylist()
    assert [p["person_id"] for p in people] == ["P1", "P3"] or [p["person_id"] for p in people] == [
        "P1",
        "P2",
        "P3",
    ]
    rejects = read_table(case_dir, "rejects").to_pylist()
    people_src = _by_path(report)["people.csv"]
    assert people_src.status == "ingested"
    assert people_src.rows_ok + people_src.rows_rejected == 3
    if len(people) == 2:
        assert rejects and rejects[0]["row_number"] == 3 and "字符" in rejects[0]["error"]
    assert len(read_table(case_dir, "relations")) == 1


def test_cli_exits_0_with_warnings_when_one_file_is_bad(case_dir: Path):
    good_bill(case_dir / "exports" / "good.csv")
    corrupt_deflate_xlsx(case_dir / "exports" / "broken.xlsx")
    non_utf8_schema_db(case_dir / "exports" / "MSG0.db")
    (case_dir / "relations.csv").write_bytes(b"\xef\xbb\xbf\xe4\xba\xba\xe5\x91\x98\r" + b"x" * 200_000)
    result = CliRunner().invoke(app, ["ingest", str(case_dir)])
    assert result.exit_code == 0, result.output
    assert "broken.xlsx" in result.output


# ---------------------------------------------------------------- 2. no catastrophic backtracking


def test_unclosed_title_with_many_spaces_is_linear():
    xml = "<msg><appmsg><title>" + " " * 200_000 + "x"
    with stall_guard("appmsg tag scan"):
        app = parse_appmsg(xml, light=True)
        parse_appmsg(xml, light=False)
    assert app is None or app.title is None


def test_broken_xml_fields_still_read_without_a_tree():
    xml = "<msg><appmsg><title>标题 &amp; 说明</title><type>5</type><url>http://a/?b=1&c=2</url></appmsg>"
    app = parse_appmsg(xml)
    assert app is not None and not app.well_formed
    assert (app.title, app.type, app.url) == ("标题 & 说明", 5, "http://a/?b=1&c=2")
    cdata = "<msg><appmsg><title><![CDATA[a<b]]></title></appmsg></msg"
    assert parse_appmsg(cdata, light=True).title == "a<b"


def test_entity_expansion_is_refused():
    bomb = (
        '<?xml version="1.0"?><!DOCTYPE m [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;">'
        '<!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;">]><msg><appmsg><title>&c;</title><type>5</type></appmsg></msg>'
    )
    app = parse_appmsg(bomb)
    assert app is not None and not app.well_formed
    assert app.title is None or "aaaa" not in app.title


def test_claim_notice_on_a_huge_message_is_linear():
    text = "领取了" + "x" * 400_000 + "的<_wc_custom_link_ " + "a" * 400_000
    with stall_guard("claim notice"):
        assert parse_claim(text + "sendid=") is None
        assert plain_text("<" * 300_000) is not None


def test_claim_notice_still_parsed():
    text = '<img src="x"/>老周领取了你的<_wc_custom_link_ color="#FD9931" href="weixin://weixinhongbao/opendetail?sendid=1000039801">红包</_wc_custom_link_>'
    claim = parse_claim(text)
    assert claim is not None and (claim.claimer, claim.packet_sender, claim.sendid) == (
        "老周",
        "你",
        "1000039801",
    )


def test_pywxdump_transfer_text_is_linear(tmp_path: Path):
    header = "id,MsgSvrID,type_name,is_sender,talker,room_name,msg,src,CreateTime\n"
    msg = "转账：￥1.00\n转账说明：" + " " * 100_000 + "x"
    row = f'1,123,转账,0,wxid_a,wxid_a,"{msg}",,2024-01-01 10:00:00\n'
    path = tmp_path / "chat.csv"
    path.write_text(header + row, encoding="utf-8")
    with stall_guard("PyWxDump transfer"):
        sink = read_source(PyWxDumpCsvReader(), path)
    assert sink.counts["messages"] == 1


def test_oversized_message_is_kept_and_reported(tmp_path: Path):
    from hongxian.testing.wechat_db import WeChatDbBuilder

    b = WeChatDbBuilder(owner="wxid_owner001")
    b.add_link("wxid_peer0001", "标题" + "长" * 1_500_000, "http://x")
    b.add_text("wxid_peer0001", "正常")
    path = b.write_msg(tmp_path / "MSG0.db")
    with stall_guard("oversized message"):
        sink = read_source(WeChatDbReader(), path)
    assert sink.counts["messages"] == 2
    assert any("超过" in w for w in sink.warnings), sink.warnings


# ---------------------------------------------------------------- 3. zip bombs


def test_zip_bomb_is_refused_before_inflating(case_dir: Path):
    bomb = zip_bomb_xlsx(case_dir / "exports" / "bomb.xlsx")
    assert bomb.stat().st_size < 2 << 20
    good_bill(case_dir / "exports" / "good.csv")
    with stall_guard("zip bomb"):
        report = ingest_case(case_dir, registry=default_registry())
    sources = _by_path(report)
    assert sources["bomb.xlsx"].status == "failed"
    assert "压缩" in (sources["bomb.xlsx"].error or "")
    assert sources["good.csv"].status == "ingested"


def test_zip_bomb_register_is_refused(case_dir: Path):
    zip_bomb_xlsx(case_dir / "people.xlsx")
    with stall_guard("zip bomb register"):
        report = ingest_case(case_dir, registry=default_registry())
    people = _by_path(report)["people.xlsx"]
    assert people.status == "failed" and "压缩" in (people.error or "")


# ---------------------------------------------------------------- 4. corrupt SQLite pages


def _corrupt_pages(path: Path, first: int, count: int) -> None:
    con = sqlite3.connect(path)
    page_size = con.execute("PRAGMA page_size").fetchone()[0]
    con.close()
    data = bytearray(path.read_bytes())
    for page in range(first, first + count):
        off = (page - 1) * page_size
        data[off : off + page_size] = b"\xa5" * page_size
    path.write_bytes(bytes(data))


def _msg_pages(path: Path) -> list[int]:
    con = sqlite3.connect(path)
    try:
        rows = con.execute("SELECT pageno FROM dbstat WHERE name = 'MSG' AND pagetype = 'leaf'").fetchall()
    except sqlite3.OperationalError:
        rows = []
    con.close()
    return sorted(r[0] for r in rows)


def test_corrupt_msg_pages_lose_only_those_rows(tmp_path: Path):
    from hongxian.testing.wechat_db import WeChatDbBuilder

    b = WeChatDbBuilder(owner="wxid_owner001")
    for i in range(3000):
        b.add_text("wxid_peer0001", f"消息{i:05d}" + "填充" * 40)
    path = b.write_msg(tmp_path / "MSG0.db")
    pages = _msg_pages(path)
    if not pages:  # no dbstat: the leaf pages of MSG start after the schema pages
        con = sqlite3.connect(path)
        pages = list(range(4, con.execute("PRAGMA page_count").fetchone()[0] + 1))
        con.close()
    victim = pages[len(pages) // 3]
    _corrupt_pages(path, victim, 2)
    sink = read_source(WeChatDbReader(), path)
    n = sink.counts["messages"]
    assert 2000 < n < 3000, n  # the rows after the bad pages are read too
    assert any("未能读取" in w or "损坏" in w for w in sink.warnings), sink.warnings


def test_corrupt_first_pages_of_msg_still_reads_later_rows(tmp_path: Path):
    from hongxian.testing.wechat_db import WeChatDbBuilder

    b = WeChatDbBuilder(owner="wxid_owner001")
    for i in range(3000):
        b.add_text("wxid_peer0001", f"消息{i:05d}" + "填充" * 40)
    path = b.write_msg(tmp_path / "MSG0.db")
    pages = _msg_pages(path)
    assert pages, "dbstat is needed for this test"
    _corrupt_pages(path, pages[0], 1)
    sink = read_source(WeChatDbReader(), path)
    assert sink.counts["messages"] > 2500
    assert any("损坏" in w or "未能读取" in w for w in sink.warnings), sink.warnings


# ---------------------------------------------------------------- 5. odd table names


def test_table_name_with_a_quote_does_not_hide_the_database(case_dir: Path):
    path = quoted_table_db(case_dir / "exports" / "MSG0.db")
    assert WeChatDbReader().sniff(path, path.read_bytes()[:100])
    report = ingest_case(case_dir, registry=default_registry())
    src = _by_path(report)["MSG0.db"]
    assert src.status == "ingested"
    assert len(read_table(case_dir, "messages")) == 3


def test_msg_db_fixture_is_real(tmp_path: Path):
    path = msg_db(tmp_path / "m.db")
    assert zipfile.is_zipfile(path) is False
    assert read_source(WeChatDbReader(), path).counts["messages"] == 3
