"""Real attachment files for tests, the demo and the bench, built with the libraries that write them:
.docx (python-docx), .xlsx (xlsxwriter), .xls (xlwt, dev only), .pptx (python-pptx), text-layer .pdf
(fpdf2 with Noto CJK), scanned .pdf and photos (Pillow: rendered text, rotation, perspective, blur,
JPEG noise), .ofd (the GB/T 33190 package layout) and WeChat 3.x ``.dat`` images (XOR-ed JPEG).
"""

from __future__ import annotations

import io
import random
import zipfile
from collections.abc import Sequence
from pathlib import Path

from hongxian.ingest.attach.dat import encode_dat

FONT_PATHS = (
    Path("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc"),
    Path("/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc"),
)
SC_INDEX = 2
"""The Simplified Chinese face inside the Noto CJK collections."""


def cjk_font() -> Path | None:
    return next((p for p in FONT_PATHS if p.is_file()), None)


def docx_bytes(
    paragraphs: Sequence[str], header: str | None = None, table: Sequence[Sequence[str]] = ()
) -> bytes:
    import docx

    doc = docx.Document()
    if header:
        doc.sections[0].header.paragraphs[0].text = header
    for p in paragraphs:
        doc.add_paragraph(p)
    if table:
        t = doc.add_table(rows=len(table), cols=len(table[0]))
        for r, row in enumerate(table):
            for c, value in enumerate(row):
                t.cell(r, c).text = value
    buf = io.BytesIO()
    doc.save(buf)
    return buf.getvalue()


def xlsx_bytes(sheets: dict[str, Sequence[Sequence[object]]]) -> bytes:
    import xlsxwriter

    buf = io.BytesIO()
    wb = xlsxwriter.Workbook(buf, {"in_memory": True})
    for name, rows in sheets.items():
        ws = wb.add_worksheet(name)
        for r, row in enumerate(rows):
            ws.write_row(r, 0, list(row))
    wb.close()
    return buf.getvalue()


def xls_bytes(sheets: dict[str, Sequence[Sequence[object]]]) -> bytes:
    import xlwt

    wb = xlwt.Workbook(encoding="utf-8")
    for name, rows in sheets.items():
        ws = wb.add_sheet(name)
        for r, row in enumerate(rows):
            for c, value in enumerate(row):
                ws.write(r, c, value)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def pptx_bytes(slides: Sequence[Sequence[str]], notes: Sequence[str] = ()) -> bytes:
    from pptx import Presentation
    from pptx.util import Inches

    prs = Presentation()
    for i, lines in enumerate(slides):
        slide = prs.slides.add_slide(prs.slide_layouts[6])
        box = slide.shapes.add_textbox(Inches(1), Inches(1), Inches(8), Inches(4))
        box.text_frame.text = "\n".join(lines)
        if i < len(notes):
            slide.notes_slide.notes_text_frame.text = notes[i]
    buf = io.BytesIO()
    prs.save(buf)
    return buf.getvalue()


def pdf_bytes(pages: Sequence[Sequence[str]], header: str | None = None) -> bytes:
    """A text-layer PDF (A4), one list of lines per page; `header` repeated at the top of every page."""
    from fpdf import FPDF

    font = cjk_font()
    if font is None:
        raise RuntimeError("Noto CJK font not installed (fonts-noto-cjk)")
    pdf = FPDF(format="A4")
    pdf.add_font("cjk", fname=str(font), collection_font_number=SC_INDEX)
    for lines in pages:
        pdf.add_page()
        pdf.set_font("cjk", size=10)
        if header:
            pdf.set_xy(20, 10)
            pdf.cell(text=header)
        pdf.set_font("cjk", size=14)
        pdf.set_xy(20, 30)
        for line in lines:
            pdf.cell(text=line, new_x="LMARGIN", new_y="NEXT", h=10)
            pdf.set_x(20)
    return bytes(pdf.output())


def page_image(lines: Sequence[str], width: int = 1240, size: int = 34, red_first: int = 0):
    """A white A4-ish page (PIL image) with the lines rendered in Noto CJK; the first `red_first`
    lines in red (a 红头 header)."""
    from PIL import Image, ImageDraw, ImageFont

    font_path = cjk_font()
    if font_path is None:
        raise RuntimeError("Noto CJK font not installed (fonts-noto-cjk)")
    font = ImageFont.truetype(str(font_path), size, index=SC_INDEX)
    height = max(400, int(size * 1.9 * len(lines)) + 160)
    img = Image.new("RGB", (width, height), "white")
    draw = ImageDraw.Draw(img)
    y = 80
    for i, line in enumerate(lines):
        draw.text((90, y), line, font=font, fill=(200, 20, 20) if i < red_first else (20, 20, 20))
        y += int(size * 1.9)
    return img


def scanned_pdf_bytes(pages: Sequence[Sequence[str]]) -> bytes:
    """A PDF of page images only (no text layer), as a scanner writes it."""
    images = [page_image(lines) for lines in pages]
    buf = io.BytesIO()
    images[0].save(buf, format="PDF", save_all=True, append_images=images[1:], resolution=150)
    return buf.getvalue()


def photograph(img, seed: int = 0, angle: float = 4.0, blur: float = 0.8, quality: int = 60) -> bytes:
    """A phone-style photo of a page: rotated, perspective-skewed, blurred, on a grey desk, JPEG."""
    from PIL import Image, ImageFilter

    rng = random.Random(seed)
    w, h = img.size
    d = 0.04
    quad = [
        (rng.uniform(0, d) * w, rng.uniform(0, d) * h),
        (rng.uniform(0, d) * w, h - rng.uniform(0, d) * h),
        (w - rng.uniform(0, d) * w, h - rng.uniform(0, d) * h),
        (w - rng.uniform(0, d) * w, rng.uniform(0, d) * h),
    ]
    warped = img.transform(
        img.size, Image.Transform.QUAD, [c for p in quad for c in p], fillcolor=(120, 120, 115)
    )
    warped = warped.rotate(angle, expand=True, fillcolor=(120, 120, 115))
    warped = warped.filter(ImageFilter.GaussianBlur(blur))
    buf = io.BytesIO()
    warped.save(buf, format="JPEG", quality=quality)
    return buf.getvalue()


def id_card_image(name: str, sex: str, nation: str, birth: str, address: str, number: str):
    """A resident identity card's front as its layout reads (labels, values, the 18-digit number)."""
    from PIL import Image, ImageDraw, ImageFont

    font_path = cjk_font()
    if font_path is None:
        raise RuntimeError("Noto CJK font not installed (fonts-noto-cjk)")
    small = ImageFont.truetype(str(font_path), 26, index=SC_INDEX)
    big = ImageFont.truetype(str(font_path), 32, index=SC_INDEX)
    img = Image.new("RGB", (1000, 630), (235, 238, 242))
    draw = ImageDraw.Draw(img)
    rows = [("姓名", name), ("性别", f"{sex}    民族  {nation}"), ("出生", birth), ("住址", address)]
    y = 60
    for label, value in rows:
        draw.text((60, y), label, font=small, fill=(60, 90, 150))
        draw.text((170, y), value, font=big, fill=(10, 10, 10))
        y += 90
    draw.text((60, 520), "公民身份号码", font=small, fill=(60, 90, 150))
    draw.text((270, 515), number, font=big, fill=(10, 10, 10))
    draw.rectangle((720, 60, 940, 330), outline=(150, 150, 150), width=3)
    return img


def jpeg_bytes(img, quality: int = 85) -> bytes:
    buf = io.BytesIO()
    img.save(buf, format="JPEG", quality=quality)
    return buf.getvalue()


def dat_bytes(image: bytes, key: int = 0x5A) -> bytes:
    """A WeChat PC 3.x ``.dat`` image: the image bytes XOR-ed with one byte."""
    return encode_dat(image, key)


def v2_dat_bytes(size: int = 4096, seed: int = 1) -> bytes:
    """A newer-client ``.dat`` (header ``07 08 V2 08 07``, body not decodable without the client key)."""
    rng = random.Random(seed)
    return b"\x07\x08V2\x08\x07" + bytes(rng.randrange(256) for _ in range(size))


_OFD_NS = "http://www.ofdspec.org/2016"


def _ofd_text(lines: Sequence[str], top: float, size: float = 5.0) -> str:
    objs = []
    for i, line in enumerate(lines):
        y = top + i * size * 1.8
        objs.append(
            f'<ofd:TextObject ID="{100 + i}" Boundary="25 {y:.1f} 160 {size * 1.4:.1f}" '
            f'Font="1" Size="{size}">'
            f'<ofd:TextCode X="0" Y="{size}">{_xml(line)}</ofd:TextCode></ofd:TextObject>'
        )
    return "".join(objs)


def _xml(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def ofd_bytes(pages: Sequence[Sequence[str]], header: str | None = None) -> bytes:
    """An OFD package: OFD.xml → Doc_0/Document.xml → Pages/Page_N/Content.xml (+ a template page
    carrying `header`), text in TextObject/TextCode elements."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr(
            "OFD.xml",
            '<?xml version="1.0" encoding="UTF-8"?>'
            f'<ofd:OFD xmlns:ofd="{_OFD_NS}" Version="1.0" DocType="OFD">'
            "<ofd:DocBody><ofd:DocInfo><ofd:DocID>demo</ofd:DocID></ofd:DocInfo>"
            "<ofd:DocRoot>Doc_0/Document.xml</ofd:DocRoot></ofd:DocBody></ofd:OFD>",
        )
        tpl = '<ofd:TemplatePage ID="2" BaseLoc="Tpls/Tpl_0/Content.xml"/>' if header else ""
        page_refs = "".join(
            f'<ofd:Page ID="{10 + i}" BaseLoc="Pages/Page_{i}/Content.xml"/>' for i in range(len(pages))
        )
        zf.writestr(
            "Doc_0/Document.xml",
            f'<?xml version="1.0" encoding="UTF-8"?><ofd:Document xmlns:ofd="{_OFD_NS}"><ofd:CommonData>'
            "<ofd:PageArea><ofd:PhysicalBox>0 0 210 297</ofd:PhysicalBox></ofd:PageArea>"
            f"{tpl}</ofd:CommonData><ofd:Pages>{page_refs}</ofd:Pages></ofd:Document>",
        )
        if header:
            zf.writestr(
                "Doc_0/Tpls/Tpl_0/Content.xml",
                f'<ofd:Page xmlns:ofd="{_OFD_NS}"><ofd:Content><ofd:Layer ID="3">'
                f"{_ofd_text([header], 8, 3.5)}</ofd:Layer></ofd:Content></ofd:Page>",
            )
        for i, lines in enumerate(pages):
            template = '<ofd:Template TemplateID="2" ZOrder="Background"/>' if header else ""
            zf.writestr(
                f"Doc_0/Pages/Page_{i}/Content.xml",
                f'<ofd:Page xmlns:ofd="{_OFD_NS}">{template}<ofd:Content><ofd:Layer ID="4">'
                f"{_ofd_text(lines, 30)}</ofd:Layer></ofd:Content></ofd:Page>",
            )
    return buf.getvalue()
