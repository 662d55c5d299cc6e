"""Text of Office documents: .docx (python-docx), .xlsx/.xls (calamine), .pptx (python-pptx).

A .docx has no pages until it is laid out, so its blocks name the paragraph instead (正文第 N 段),
the header and footer (页眉/页脚) and tables (表格 N). Images embedded in a .docx or .pptx are
returned as (name, bytes) for OCR.
"""

from __future__ import annotations

import io

from hongxian.ingest.attach.blocks import Block

MAX_SHEET_ROWS = 20_000
"""Rows read per worksheet; more is reported as a cap."""


def docx_blocks(data: bytes) -> tuple[list[Block], list[tuple[str, bytes]]]:
    import docx

    doc = docx.Document(io.BytesIO(data))
    blocks: list[Block] = []
    seen: set[str] = set()
    for section in doc.sections:
        for part, hf in (("页眉", section.header), ("页脚", section.footer)):
            text = "\n".join(p.text for p in hf.paragraphs if p.text.strip())
            if text and (part, text) not in seen:
                seen.add(part + text)
                blocks.append(Block(text, page=1, part=part))
    n = 0
    for p in doc.paragraphs:
        if p.text.strip():
            n += 1
            blocks.append(Block(p.text, part=f"正文第{n}段"))
    for i, table in enumerate(doc.tables, start=1):
        rows = ["\t".join(dict.fromkeys(c.text.strip() for c in row.cells)) for row in table.rows]
        text = "\n".join(r for r in rows if r.strip())
        if text:
            blocks.append(Block(text, part=f"表格{i}"))
    images = [
        (rel.target_ref, rel.target_part.blob)
        for rel in doc.part.rels.values()
        if "image" in rel.reltype and not rel.is_external
    ]
    return blocks, images


def sheet_blocks(data: bytes) -> tuple[list[Block], bool]:
    """(blocks, capped): one block per worksheet, rows joined by newlines, cells by tabs."""
    from python_calamine import CalamineWorkbook

    wb = CalamineWorkbook.from_filelike(io.BytesIO(data))
    blocks, capped = [], False
    for name in wb.sheet_names:
        rows = wb.get_sheet_by_name(name).to_python(skip_empty_area=True, nrows=MAX_SHEET_ROWS + 1)
        if len(rows) > MAX_SHEET_ROWS:
            rows, capped = rows[:MAX_SHEET_ROWS], True
        lines = ["\t".join(str(c).strip() for c in row if str(c).strip()) for row in rows]
        text = "\n".join(line for line in lines if line)
        if text:
            blocks.append(Block(text, part=f"工作表「{name}」"))
    return blocks, capped


def pptx_blocks(data: bytes) -> tuple[list[Block], list[tuple[str, bytes]], int]:
    """(blocks, images, slides): one block per slide (its shapes' text) and one per speaker note."""
    from pptx import Presentation

    prs = Presentation(io.BytesIO(data))
    blocks: list[Block] = []
    images: list[tuple[str, bytes]] = []
    for i, slide in enumerate(prs.slides, start=1):
        texts = []
        for shape in slide.shapes:
            if shape.has_text_frame and shape.text_frame.text.strip():
                texts.append(shape.text_frame.text)
            if shape.shape_type == 13:  # MSO_SHAPE_TYPE.PICTURE
                images.append((f"第{i}页图片", shape.image.blob))
        if texts:
            blocks.append(Block("\n".join(texts), page=i, part="幻灯片"))
        if slide.has_notes_slide and slide.notes_slide.notes_text_frame.text.strip():
            blocks.append(Block(slide.notes_slide.notes_text_frame.text, page=i, part="备注"))
    return blocks, images, len(prs.slides)
