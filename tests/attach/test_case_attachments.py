"""A case folder in the real WeChat PC 3.x layout with attachments: ingest links them to their
messages, extracts their text, and `screen` reports findings whose evidence points into the files."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from hongxian.dataset.store import read_table
from hongxian.ingest.attach import AttachOptions
from hongxian.ingest.pipeline import ingest_case
from hongxian.screen import screen_case
from hongxian.testing import attachments as A
from hongxian.testing.wechat_db import WeChatDbBuilder
from tests.conftest import PEOPLE_HEADER

pytestmark = pytest.mark.skipif(A.cjk_font() is None, reason="needs fonts-noto-cjk")

SH = ZoneInfo("Asia/Shanghai")
ROOM = "40001@chatroom"
HEAD = ["000123", "机密★1年", "特急", "某市人民政府文件", "某政发〔2024〕12号", "关于做好干部考察工作的通知"]
ID_NUMBER = "110101199003071233"
IMG_PATH = r"wxid_owner001\FileStorage\MsgAttach\9e20f478899dc29eb19741386f9343c8\Image\2024-03\5f1a.dat"
THUMB_PATH = r"wxid_owner001\FileStorage\MsgAttach\9e20f478899dc29eb19741386f9343c8\Thumb\2024-03\77aa_t.dat"


def _write(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)


def build_case(case_dir: Path) -> Path:
    wx = case_dir / "exports" / "WeChat Files" / "wxid_owner001"
    b = WeChatDbBuilder(owner="wxid_owner001")
    b.add_contact("wxid_peer1", nickname="老周")
    b.add_group(ROOM, "同学聚会群", ["wxid_peer1"])
    b.add_file(ROOM, "关于做好干部考察工作的通知.pdf", ts=datetime(2024, 3, 5, 9, 0, tzinfo=SH))
    b.add_image(ROOM, ts=datetime(2024, 3, 6, 20, 0, tzinfo=SH), paths={4: IMG_PATH, 3: IMG_PATH})
    b.add_image(ROOM, ts=datetime(2024, 3, 7, 20, 0, tzinfo=SH), paths={3: THUMB_PATH}, sender="wxid_peer1")
    b.add_text(ROOM, "收到", sender="wxid_peer1")
    b.write_merged(wx / "Msg" / "merge_all.db")
    _write(
        wx / "FileStorage" / "File" / "2024-03" / "关于做好干部考察工作的通知.pdf",
        A.pdf_bytes([[*HEAD, "各区县人民政府：", "请按要求做好考察。"]]),
    )
    card = A.id_card_image("张三", "男", "汉", "1990年3月7日", "北京市东城区景山前街4号", ID_NUMBER)
    _write(wx / IMG_PATH.split("\\", 1)[1].replace("\\", "/"), A.dat_bytes(A.jpeg_bytes(card), key=0x3C))
    # the peer's image: only the thumbnail's path is in BytesExtra; the full image is a newer-client .dat
    _write(
        wx / "FileStorage/MsgAttach/9e20f478899dc29eb19741386f9343c8/Image/2024-03/77aa.dat", A.v2_dat_bytes()
    )
    _write(
        case_dir / "exports" / "补充材料" / "方案（讨论稿）.docx",
        A.docx_bytes(["关于调整线路的方案（讨论稿）"]),
    )
    (case_dir / "people.csv").write_text(
        PEOPLE_HEADER + "\nP1,张某,某局,副局长,,中共党员,公职人员,,,wxid_owner001,,,,在职,\n",
        encoding="utf-8",
    )
    return case_dir


@pytest.fixture(scope="module")
def screened(tmp_path_factory):
    case_dir = tmp_path_factory.mktemp("att") / "case"
    (case_dir / "exports").mkdir(parents=True)
    from tests.conftest import CASE_TOML

    (case_dir / "case.toml").write_text(CASE_TOML, encoding="utf-8")
    build_case(case_dir)
    report = ingest_case(case_dir, attach=AttachOptions(workers=2, timeout=60))
    return case_dir, report, screen_case(case_dir)


def test_attachments_are_linked_and_reported(screened):
    case_dir, report, _ = screened
    att = read_table(case_dir, "attachments").to_pylist()
    by_name = {}
    for r in att:
        by_name.setdefault(Path(r["path"]).name, []).append(r)
    assert set(by_name) == {"关于做好干部考察工作的通知.pdf", "5f1a.dat", "77aa.dat", "方案（讨论稿）.docx"}
    pdf, card, v2, loose = (
        by_name[n] for n in ("关于做好干部考察工作的通知.pdf", "5f1a.dat", "77aa.dat", "方案（讨论稿）.docx")
    )
    assert {r["link"] for r in pdf} == {"file_name"} and {r["link"] for r in card} == {"bytes_extra"}
    assert v2[0]["link"] == "bytes_extra" and v2[0]["status"] == "undecodable" and "V2" in v2[0]["detail"]
    assert loose[0]["link"] == "loose" and loose[0]["message_id"] is None
    marks = {r["mark"]: r["part"] for r in pdf if r["mark"]}
    assert marks["密级和保密期限"] == "第1页·版头" and marks["份号"] == "第1页·版头"
    assert marks["发文机关标志"] == "第1页·版头" and marks["主送"] == "第1页·主体（主送机关）"
    assert card[0]["field"] == "image_text" and ID_NUMBER in card[0]["text"] and card[0]["boxes"]
    assert report.attachments.status["undecodable"] == 1 and report.attachments.linked == 3
    assert not any(
        s.path.endswith((".dat", ".pdf")) for s in report.sources
    )  # FileStorage: listed as attachments
    assert [s.status for s in report.sources if s.path.endswith(".docx")] == ["unrecognised"]  # loose: both


def test_findings_point_into_the_files(screened):
    case_dir, _, result = screened
    by_check = {f.check_id: f for f in result.findings}
    mark = by_check["secrecy.classified-mark"]
    ev = mark.evidence[0]
    assert (
        ev.table == "messages"
        and "附件《关于做好干部考察工作的通知.pdf》第1页·版头（密级和保密期限）" in ev.note
    )
    assert "发送的附件《关于做好干部考察工作的通知.pdf》第1页·版头（密级和保密期限）含" in mark.explanation
    assert mark.subject.id == "P1"
    privacy = by_check["privacy.identifiers"]
    ev = next(e for e in privacy.evidence if "图片《5f1a.dat》" in (e.note or ""))
    assert "识别位置（像素）" in ev.note and ID_NUMBER not in (ev.excerpt or "")
    draft = by_check["secrecy.unpublished-draft"]
    loose = next(e for e in draft.evidence if e.table == "attachments")
    assert "附件《方案（讨论稿）.docx》" in loose.note


def test_reingest_uses_the_cache(screened):
    case_dir, _, _ = screened
    report = ingest_case(case_dir, attach=AttachOptions(workers=0))
    assert report.attachments.cached == report.attachments.files == 4


def test_report_shows_the_ocr_region_pixelated_for_personal_data(screened, tmp_path):
    from hongxian.report.html import render_html
    from hongxian.report.inputs import from_findings
    from hongxian.report.load import open_case

    case_dir, _, result = screened
    case, dataset = open_case(case_dir)
    html = render_html(from_findings(case, result.findings, dataset, case_dir=case_dir))
    assert html.count('class="crop"') >= 1 and "data:image/png;base64," in html
    assert ID_NUMBER not in html
