"""PDF text: the text layer per page (pypdfium2); pages without one are rendered and OCR'd."""

from __future__ import annotations

from hongxian.ingest.attach.blocks import Block, Extracted
from hongxian.ingest.attach.ocr import image_block

MIN_LAYER_CHARS = 10
"""A page whose text layer has fewer non-blank characters than this is treated as scanned."""
RENDER_DPI = 150


def pdf_extract(data: bytes, max_pages: int, ocr: bool = True, threads: int = 1) -> Extracted:
    import pypdfium2 as pdfium

    out = Extracted("pdf")
    try:
        doc = pdfium.PdfDocument(data)
    except pdfium.PdfiumError as exc:
        return out.problem("failed", f"PDF 无法打开（可能已加密或损坏）：{exc}")
    try:
        out.pages = len(doc)
        for i in range(min(len(doc), max_pages)):
            page = doc[i]
            text = page.get_textpage().get_text_bounded().replace("\r\n", "\n")
            block = None
            if ocr and len("".join(text.split())) < MIN_LAYER_CHARS:
                img = page.render(scale=RENDER_DPI / 72).to_pil().convert("RGB")
                block = image_block(img, i + 1, f"第{i + 1}页（扫描件）", threads)
                out.ocr_pages += 1
            if block is None and text.strip():
                block = Block(text, page=i + 1, part=f"第{i + 1}页")
            if block is not None:
                out.blocks.append(block)
        if len(doc) > max_pages:
            out.problem("capped", f"共 {len(doc)} 页，只读取了前 {max_pages} 页")
    finally:
        doc.close()
    return out
