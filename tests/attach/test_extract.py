"""Text out of real files of every supported format, built with the libraries that write them."""

from __future__ import annotations

import io
import time

import pytest

from hongxian.ingest.attach.dat import Undecodable, decode_dat, xor_key
from hongxian.ingest.attach.extract import Limits, extract_bytes, sniff
from hongxian.ingest.attach.textfiles import decode_text
from hongxian.ingest.attach.workers import TimedPool
from hongxian.testing import attachments as A

needs_font = pytest.mark.skipif(A.cjk_font() is None, reason="needs fonts-noto-cjk")
NO_OCR = Limits(ocr=False)
HEAD = ["000123", "机密★1年", "特急", "某市人民政府文件", "某政发〔2024〕12号", "关于做好干部考察工作的通知"]
BODY = ["各区县人民政府，市政府各部门：", "现将有关事项通知如下。"]
TAIL = ["抄送：市委办公室，市人大常委会办公室。", "某市人民政府办公室 2024年3月1日印发"]


def _marks(ex) -> dict[str, str]:
    return {b.mark: b.part for b in ex.blocks if b.mark}


def test_docx_header_body_table_and_marks():
    data = A.docx_bytes([*HEAD, *BODY, *TAIL], header="机密★1年", table=[["姓名", "职务"], ["张三", "科长"]])
    ex = extract_bytes(data, ".docx", NO_OCR)
    assert ex.format == "docx" and ex.status == "ok"
    marks = _marks(ex)
    assert marks["份号"] == "版头" and marks["紧急程度"] == "版头" and marks["发文字号"] == "版头"
    assert marks["主送"] == "主体（主送机关）" and marks["抄送"] == "版记" and marks["印发"] == "版记"
    header = next(b for b in ex.blocks if b.part.endswith("页眉"))
    assert header.text == "机密★1年" and header.mark == "密级和保密期限"
    assert any(b.part == "表格1" and "张三\t科长" in b.text for b in ex.blocks)


@pytest.mark.parametrize(("build", "suffix"), [(A.xlsx_bytes, ".xlsx"), (A.xls_bytes, ".xls")])
def test_spreadsheets(build, suffix):
    data = build({"名单": [["姓名", "身份证号"], ["张三", "110101199003071233"]], "空表": []})
    ex = extract_bytes(data, suffix, NO_OCR)
    assert ex.format == suffix[1:] and [b.part for b in ex.blocks] == ["工作表「名单」"]
    assert ex.blocks[0].text == "姓名\t身份证号\n张三\t110101199003071233"


def test_pptx_slides_and_notes():
    ex = extract_bytes(
        A.pptx_bytes([["汇报提纲"], ["内部讨论稿", "请勿外传"]], ["", "会后收回"]), ".pptx", NO_OCR
    )
    assert ex.pages == 2
    assert [(b.page, b.part, b.text) for b in ex.blocks] == [
        (1, "幻灯片", "汇报提纲"),
        (2, "幻灯片", "内部讨论稿\n请勿外传"),
        (2, "备注", "会后收回"),
    ]


@needs_font
def test_pdf_text_layer_pages_and_running_header():
    ex = extract_bytes(
        A.pdf_bytes([[*HEAD, *BODY], ["第二页正文", *TAIL]], header="机密★1年"), ".pdf", NO_OCR
    )
    assert ex.format == "pdf" and ex.pages == 2 and ex.ocr_pages == 0
    marks = [(b.page, b.part, b.mark) for b in ex.blocks if b.mark]
    assert (2, "第2页·页眉", "密级和保密期限") in marks and (2, "第2页·版记", "抄送") in marks
    assert (1, "第1页·版头", "发文机关标志") in marks


@needs_font
def test_pdf_page_cap_is_reported():
    ex = extract_bytes(
        A.pdf_bytes([[f"第{i}页内容"] for i in range(5)]), ".pdf", Limits(max_pages=2, ocr=False)
    )
    assert ex.status == "capped" and "共 5 页" in ex.detail and {b.page for b in ex.blocks} == {1, 2}


def test_ofd_pages_template_and_marks():
    ex = extract_bytes(A.ofd_bytes([[*HEAD, *BODY], ["第二页正文", *TAIL]], header="机密★1年"), ".ofd")
    assert ex.format == "ofd" and ex.pages == 2 and ex.status == "ok"
    marks = [(b.page, b.part, b.mark, b.text) for b in ex.blocks if b.mark]
    assert (1, "第1页·页眉/模板", "密级和保密期限", "机密★1年") in marks
    assert (1, "第1页·版头", "份号", "000123") in marks and (2, "第2页·版记", "印发", TAIL[1]) in marks
    body = next(b for b in ex.blocks if b.part == "第1页")
    assert body.text == "关于做好干部考察工作的通知\n现将有关事项通知如下。"


def test_ofd_broken_package_is_reported():
    import zipfile

    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("OFD.xml", "<ofd:OFD xmlns:ofd='http://www.ofdspec.org/2016'><ofd:DocBody/></ofd:OFD>")
    ex = extract_bytes(buf.getvalue(), ".ofd")
    assert ex.status == "failed" and "DocRoot" in ex.detail


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gb18030"])
def test_text_and_csv_encodings(encoding):
    text = "张三，身份证号110101199003071233\n"
    assert decode_text(text.encode(encoding))[0] == text
    ex = extract_bytes("姓名,电话\n李四,13800138000\n".encode(encoding), ".csv")
    assert [(b.part, b.text) for b in ex.blocks] == [("第1行", "姓名\t电话"), ("第2行", "李四\t13800138000")]


@pytest.mark.parametrize("fmt", ["JPEG", "PNG", "GIF", "BMP", "TIFF"])
@pytest.mark.parametrize("key", [0x00, 0x3C, 0xA7, 0xFF])
def test_dat_xor_round_trip(fmt, key):
    from PIL import Image

    buf = io.BytesIO()
    Image.new("RGB", (40, 30), (200, 10, 10)).save(buf, format=fmt)
    image, kind = decode_dat(A.dat_bytes(buf.getvalue(), key))
    assert image == buf.getvalue() and kind == ("jpeg" if fmt == "JPEG" else fmt.lower())


def test_dat_new_client_and_garbage_are_reported_not_guessed():
    with pytest.raises(Undecodable, match="V2"):
        decode_dat(A.v2_dat_bytes())
    assert xor_key(b"\x01\x02\x03\x04") is None
    ex = extract_bytes(b"\x01\x02\x03\x04" * 100, ".dat")
    assert ex.status == "undecodable" and ex.blocks == []
    assert extract_bytes(A.v2_dat_bytes(), ".dat").status == "undecodable"


def test_hostile_and_oversized_input_is_reported():
    bad = extract_bytes(b"PK\x03\x04" + b"\x00" * 100, ".docx")
    assert bad.status == "unsupported"
    broken_docx = A.docx_bytes(["x"])[:300]
    assert extract_bytes(broken_docx, ".docx").status in ("failed", "unsupported")
    big = extract_bytes(A.docx_bytes(["x"]), ".docx", Limits(max_bytes=100))
    assert big.status == "too_large" and "上限" in big.detail
    assert sniff(b"hello", ".bin") is None


def _slow(arg):
    time.sleep(arg)
    return arg


def test_pool_time_limit_kills_only_the_slow_file():
    started = time.monotonic()
    out = {
        k: (ok, v)
        for k, ok, v in TimedPool(_slow, 2, limit=0.5).map([(1, 0.01), (2, 30), (3, 0.02), (4, 0.01)])
    }
    assert out == {1: (True, 0.01), 2: (False, "timeout"), 3: (True, 0.02), 4: (True, 0.01)}
    assert time.monotonic() - started < 10
