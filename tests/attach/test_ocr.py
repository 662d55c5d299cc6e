"""OCR of photos and scans (RapidOCR, models inside the wheel): text, boxes and the ID-card layout."""

from __future__ import annotations

import pytest

from hongxian.ingest.attach.extract import extract_bytes
from hongxian.testing import attachments as A

pytestmark = pytest.mark.skipif(A.cjk_font() is None, reason="needs fonts-noto-cjk")


def test_photo_of_red_header_document():
    page = A.page_image(["000123", "机密★1年", "某市人民政府文件", "关于做好干部考察工作的通知"], red_first=3)
    ex = extract_bytes(A.photograph(page, seed=3), ".jpg")
    assert ex.format == "image" and ex.status == "ok"
    secret = next(b for b in ex.blocks if b.mark == "密级和保密期限")
    assert secret.text == "机密★1年" and secret.part == "第1页·版头" and secret.field == "image_text"
    x0, y0, x1, y1 = secret.boxes[0]
    assert 0 <= x0 < x1 and 0 <= y0 < y1


def test_scanned_pdf_is_ocred_per_page():
    ex = extract_bytes(
        A.scanned_pdf_bytes([["秘密★6个月", "会议纪要"], ["第二页", "抄送：市委办公室。"]]), ".pdf"
    )
    assert ex.pages == 2 and ex.ocr_pages == 2
    assert any(b.mark == "抄送" and b.page == 2 for b in ex.blocks)
    assert any("会议纪要" in b.text and b.part == "第1页（扫描件）" for b in ex.blocks)


def test_id_card_in_a_wechat_dat():
    card = A.id_card_image(
        "张三", "男", "汉", "1990年3月7日", "北京市东城区景山前街4号", "110101199003071233"
    )
    ex = extract_bytes(A.dat_bytes(A.jpeg_bytes(card), key=0x91), ".dat")
    assert ex.format == "dat/jpeg"
    text = "\n".join(b.text for b in ex.blocks)
    assert "110101199003071233" in text and "姓名" in text and "住址" in text


def test_docx_with_an_embedded_scan():
    import io

    import docx

    doc = docx.Document()
    doc.add_paragraph("见附图")
    buf = io.BytesIO()
    A.page_image(["绝密★长期", "干部任免名单"]).save(buf, format="PNG")
    doc.add_picture(io.BytesIO(buf.getvalue()))
    out = io.BytesIO()
    doc.save(out)
    ex = extract_bytes(out.getvalue(), ".docx")
    assert ex.images == 1
    assert any(b.field == "image_text" and b.mark == "密级和保密期限" for b in ex.blocks)
