"""Issue 13 "Done when": every reader and register loader, run on mutated real-format files, ends
without an unhandled exception, within 10 s per file, with rows_in = rows_ok + rows_rejected.

Seeds are real-format files from the project's own writers (WeChat Pay CSV and XLSX, Alipay app
and web CSV, a merged WeChat database, PyWxDump and MemoTrace CSV, every register as CSV and one
as XLSX). Hypothesis applies a few byte-level mutations to one seed per example: flips, inserted
hostile tokens (quotes, CR, NUL, unclosed tags, long runs), deleted, duplicated or truncated
ranges. Bounded and derandomised, so CI runs the same examples every time.
"""

from __future__ import annotations

import os
from datetime import datetime
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from hongxian.ingest.base import PeopleIndex, Sink, SourceContext, UnreadableSource
from hongxian.ingest.registers import REGISTERS, read_register
from hongxian.ingest.registry import default_registry
from hongxian.testing.bills import AlipayBillRow, write_alipay_csv, write_wechat_csv, write_wechat_xlsx
from hongxian.testing.wechat_db import WeChatDbBuilder
from tests.conftest import PEOPLE_HEADER
from tests.ingest.hostile import bill_rows
from tests.ingest.stallguard import stall_guard

EXAMPLES = int(os.environ.get("HONGXIAN_FUZZ_EXAMPLES", "40"))  # more for a local deep run
TOKENS = [
    b'"',
    b",",
    b"\r",
    b"\n",
    b"\r\n",
    b"\x00",
    b"\xff\xfe",
    b"<title>",
    b"<![CDATA[",
    b" " * 4096,
    b"\xe2\x80\xae",  # U+202E
    b"=HYPERLINK(",
    b"4.2e+27",
    b"28.165",
    b"\xef\xbb\xbf",
    "¥".encode(),
    "退款".encode(),
    "领取了".encode(),
    b"PK\x03\x04",
]
REGISTER_SEEDS = {
    "people": PEOPLE_HEADER + "\nP1,张三,某局,科长,科级,中共党员,公职人员,,,wxid_zs,张三丰,,,在职,\n"
    "P2,李四,,,,群众,群众,,,,,,,调离,2024-01-01\n",
    "relations": "人员编号,关联人员编号,关系,开始日期,结束日期,说明\nP1,P2,同学,2020-01-01,,\n",
    "events": "事件编号,名称,类型,开始日期,结束日期,单位,相关人员,群ID\n"
    "E1,换届,换届选举,2024-01-01,2024-02-01,某局,P1;P2,\n",
    "groups": "群ID,群名称,群类型,群主人员编号,管理员人员编号,登记日期,解散日期,备注名规范\n"
    "1@chatroom,工作群,工作群,P1,,2024-01-01,,\n",
    "accounts": "账号,平台,人员编号,身份,报告日期\nwxid_zs,微信,P1,本人,2024-01-01\n",
}


def _db_builder() -> WeChatDbBuilder:
    b = WeChatDbBuilder(owner="wxid_owner001")
    b.add_contact("wxid_peer0001", nickname="老周", remark="周科长")
    b.add_group("40123@chatroom", "工作群", [("wxid_peer0001", "周某"), ("wxid_owner001", None)])
    b.add_text("40123@chatroom", "今晚的事按老规矩办", sender="wxid_peer0001")
    b.add_link("wxid_peer0001", "关于印发通知", "https://example.com/a")
    b.add_red_packet("40123@chatroom", "1000039801202403308765432109876", "节日快乐")
    b.add_claim("40123@chatroom", "1000039801202403308765432109876", claimer="老周")
    b.add_transfer(
        "wxid_peer0001",
        "1000050001202403200111222333444",
        "10000500012403200001112223334445",
        100000,
        memo="资料费",
    )
    b.add_system("40123@chatroom", '"小王"邀请"老李"加入了群聊')
    return b


@pytest.fixture(scope="module")
def seeds(tmp_path_factory) -> dict[str, bytes]:
    root = tmp_path_factory.mktemp("seeds")
    alipay = [
        AlipayBillRow(datetime(2024, 3, 1, 10), "餐饮美食", "某餐厅", "", "堂食", "支出", 3000, txn_id="T1"),
        AlipayBillRow(
            datetime(2024, 3, 2, 10),
            "退款",
            "某餐厅",
            "",
            "退款-堂食",
            "不计收支",
            3000,
            status="退款成功",
            txn_id="T1_1",
        ),
    ]
    b = _db_builder()
    paths = {
        "wechat.csv": write_wechat_csv(root / "wechat.csv", bill_rows(4)),
        "wechat.xlsx": write_wechat_xlsx(root / "wechat.xlsx", bill_rows(3)),
        "alipay.csv": write_alipay_csv(root / "alipay.csv", alipay),
        "alipay_web.csv": write_alipay_csv(root / "alipay_web.csv", alipay, web=True),
        "merge_all.db": b.write_merged(root / "merge_all.db"),
        "pywxdump.csv": b.write_pywxdump_csv(root / "pywxdump.csv", "wxid_peer0001"),
        "memotrace_utf8.csv": b.write_memotrace_csv(root / "memotrace_utf8.csv", "40123@chatroom"),
    }
    out = {name: p.read_bytes() for name, p in paths.items()}
    out.update({f"register:{k}": v.encode("utf-8") for k, v in REGISTER_SEEDS.items()})
    out["register-xlsx:people"] = _people_xlsx(root / "people.xlsx").read_bytes()
    return out


def _people_xlsx(path: Path) -> Path:
    import openpyxl

    wb = openpyxl.Workbook()
    for line in REGISTER_SEEDS["people"].splitlines():
        wb.active.append(line.split(","))
    wb.save(path)
    return path


def _file_name(seed: str) -> str:
    kind, _, name = seed.partition(":")
    return {"register": name + ".csv", "register-xlsx": name + ".xlsx"}.get(kind, seed)


@st.composite
def mutations(draw):
    """A list of (op, position fraction, length, token) edits."""
    ops = st.sampled_from(["flip", "insert", "delete", "duplicate", "truncate", "replace"])
    edit = st.tuples(ops, st.floats(0, 1), st.integers(1, 64), st.sampled_from(TOKENS), st.integers(0, 255))
    return draw(st.lists(edit, min_size=1, max_size=4))


def mutate(data: bytes, edits) -> bytes:
    buf = bytearray(data)
    for op, frac, length, token, byte in edits:
        pos = min(int(frac * len(buf)), max(len(buf) - 1, 0))
        if op == "flip" and buf:
            buf[pos] = byte
        elif op == "insert":
            buf[pos:pos] = token * (1 if len(token) > 64 else max(1, length // 8))
        elif op == "delete":
            del buf[pos : pos + length]
        elif op == "duplicate":
            buf[pos:pos] = buf[pos : pos + length * 16]
        elif op == "truncate":
            del buf[pos:]
        elif op == "replace":
            buf[pos : pos + len(token)] = token
    return bytes(buf)


def _read_export(path: Path) -> None:
    reader, _problem = default_registry().identify(path)
    if reader is None:
        return
    sink = Sink("s-fuzz")
    try:
        reader.read(SourceContext(path, path.name, "s-fuzz", None, PeopleIndex()), sink)
        sink.close()
    except UnreadableSource:
        return
    assert sink.rows_in == sink.rows_ok + sink.rows_rejected, (sink.rows_in, sink.rows_ok, sink.rows_rejected)


def _read_register(name: str, path: Path) -> None:
    spec = next(s for s in REGISTERS if s.stem == name)
    try:
        result = read_register(spec, path)
    except UnreadableSource:
        return
    assert result.rows_in == result.table.num_rows + len(result.rejects)


FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=EXAMPLES <= 40,
    database=None,
    suppress_health_check=[
        HealthCheck.too_slow,
        HealthCheck.function_scoped_fixture,
        HealthCheck.data_too_large,
    ],
)


@pytest.mark.parametrize(
    "seed",
    [
        "wechat.csv",
        "wechat.xlsx",
        "alipay.csv",
        "alipay_web.csv",
        "merge_all.db",
        "pywxdump.csv",
        "memotrace_utf8.csv",
        *(f"register:{k}" for k in REGISTER_SEEDS),
        "register-xlsx:people",
    ],
)
@FUZZ
@given(edits=mutations())
def test_mutated_files_are_read_or_refused(seeds, tmp_path_factory, seed: str, edits) -> None:
    path = tmp_path_factory.mktemp("fuzz") / _file_name(seed)
    path.write_bytes(mutate(seeds[seed], edits))
    with stall_guard(f"{seed} {edits!r}"):
        if seed.startswith("register"):
            _read_register(seed.split(":", 1)[1], path)
        else:
            _read_export(path)


def test_unmutated_seeds_are_read(seeds, tmp_path) -> None:
    for seed, data in seeds.items():
        path = tmp_path / _file_name(seed)
        path.write_bytes(data)
        if seed.startswith("register"):
            spec = next(s for s in REGISTERS if s.stem == seed.split(":", 1)[1])
            result = read_register(spec, path)
            assert result.table.num_rows > 0 and not result.rejects, seed
        else:
            reader = default_registry().pick(path)
            assert reader is not None, seed
            sink = Sink("s")
            reader.read(SourceContext(path, path.name, "s", None, PeopleIndex()), sink)
            assert sink.rows_ok > 0 and sink.rows_in == sink.rows_ok + sink.rows_rejected, seed
