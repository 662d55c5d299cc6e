"""One file → `Extracted`: the format is told by content (magic numbers, zip members), the name's
suffix only separates .txt from .csv and marks WeChat ``.dat`` images."""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass
from pathlib import Path

from hongxian.ingest.attach.blocks import Block, Extracted
from hongxian.ingest.attach.dat import MAGICS, Undecodable, decode_dat
from hongxian.ingest.attach.marks import mark_blocks
from hongxian.ingest.attach.ocr import ImageError, image_block, open_image

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_KINDS = (
    ("word/document.xml", "docx"),
    ("xl/workbook.xml", "xlsx"),
    ("ppt/presentation.xml", "pptx"),
    ("OFD.xml", "ofd"),
)
TEXT_SUFFIXES = {".txt": "txt", ".csv": "csv", ".log": "txt", ".md": "txt"}
MAX_EMBEDDED_IMAGES = 20


@dataclass(frozen=True)
class Limits:
    max_bytes: int = 100 << 20
    max_pages: int = 50
    ocr: bool = True
    threads: int = 1


def sniff(data: bytes, suffix: str) -> str | None:
    """The format of a file's bytes: docx/xlsx/pptx/ofd/pdf/xls/doc/image/dat/txt/csv, or None."""
    if data.startswith(b"PK\x03\x04"):
        try:
            names = set(zipfile.ZipFile(io.BytesIO(data)).namelist())
        except zipfile.BadZipFile:
            return None
        return next((kind for member, kind in ZIP_KINDS if member in names), None)
    if data[:1024].lstrip().startswith(b"%PDF"):
        return "pdf"
    if data.startswith(OLE_MAGIC):
        return {".xls": "xls", ".doc": "doc", ".ppt": "ppt"}.get(suffix, "ole")
    if any(data.startswith(m) for m, _ in MAGICS) and suffix != ".dat":
        return "image"
    if suffix == ".dat":
        return "dat"
    return TEXT_SUFFIXES.get(suffix)


def _image(data: bytes, fmt: str, limits: Limits) -> Extracted:
    out = Extracted(fmt, images=1)
    if not limits.ocr:
        return out.problem("skipped", "未启用图片识别（OCR）")
    try:
        img = open_image(data)
    except ImageError as exc:
        return out.problem("failed", str(exc))
    block = image_block(img, 1, "图片", limits.threads)
    out.blocks = [block] if block else []
    return out


def _embedded(out: Extracted, images: list[tuple[str, bytes]], limits: Limits) -> None:
    """OCR of the images inside a document (a scan pasted into a .docx)."""
    if not limits.ocr:
        return
    for n, (name, blob) in enumerate(images[:MAX_EMBEDDED_IMAGES], start=1):
        try:
            block = image_block(open_image(blob), None, f"内嵌图片{n}（{Path(name).name}）", limits.threads)
        except ImageError:
            continue
        out.images += 1
        if block is not None:
            out.blocks.append(block)
    if len(images) > MAX_EMBEDDED_IMAGES:
        out.problem("capped", f"文档内嵌 {len(images)} 张图片，只识别了前 {MAX_EMBEDDED_IMAGES} 张")


def _dispatch(fmt: str, data: bytes, limits: Limits) -> Extracted:  # noqa: C901 - one branch per format
    from hongxian.ingest.attach import office, textfiles

    if fmt == "pdf":
        from hongxian.ingest.attach.pdf import pdf_extract

        return pdf_extract(data, limits.max_pages, limits.ocr, limits.threads)
    if fmt == "ofd":
        from hongxian.ingest.attach.ofd import ofd_extract

        return ofd_extract(data, limits.max_pages)
    if fmt == "docx":
        blocks, images = office.docx_blocks(data)
        out = Extracted("docx", blocks)
        _embedded(out, images, limits)
        return out
    if fmt == "pptx":
        blocks, images, slides = office.pptx_blocks(data)
        out = Extracted("pptx", blocks, pages=slides)
        _embedded(out, images, limits)
        return out
    if fmt in ("xlsx", "xls"):
        blocks, capped = office.sheet_blocks(data)
        out = Extracted(fmt, blocks)
        return (
            out.problem("capped", f"工作表超过 {office.MAX_SHEET_ROWS} 行，只读取了前面部分")
            if capped
            else out
        )
    if fmt == "image":
        return _image(data, "image", limits)
    if fmt == "dat":
        try:
            image, kind = decode_dat(data)
        except Undecodable as exc:
            return Extracted("dat").problem("undecodable", str(exc))
        return _image(image, f"dat/{kind}", limits)
    if fmt == "txt":
        return Extracted("txt", textfiles.text_blocks(data))
    if fmt == "csv":
        return Extracted("csv", textfiles.csv_blocks(data))
    return Extracted(fmt).problem("unsupported", f"暂不支持读取此格式（{fmt}）的文字")


def extract_bytes(data: bytes, suffix: str = "", limits: Limits | None = None) -> Extracted:
    """Text blocks of one file's bytes, GB/T 9704 marks split out. Never raises for bad content."""
    limits = limits or Limits()
    fmt = sniff(data, suffix.lower())
    if fmt is None:
        return Extracted("unknown").problem("unsupported", "无法识别的文件格式，未读取文字")
    if len(data) > limits.max_bytes:
        return Extracted(fmt).problem(
            "too_large", f"文件 {len(data) >> 20} MB，超过上限 {limits.max_bytes >> 20} MB，未读取"
        )
    try:
        out = _dispatch(fmt, data, limits)
    except Exception as exc:  # a library's parse error on hostile or damaged content
        return Extracted(fmt).problem("failed", f"读取出错：{type(exc).__name__}: {exc}")
    out.blocks = mark_blocks([b for b in out.blocks if b.text.strip()])
    if out.status == "ok" and not out.blocks:
        out.problem("empty", "未找到文字")
    return out


def extract_file(path: Path, limits: Limits | None = None) -> Extracted:
    limits = limits or Limits()
    size = path.stat().st_size
    if size > limits.max_bytes:
        return Extracted(path.suffix.lstrip(".").lower() or "unknown").problem(
            "too_large", f"文件 {size >> 20} MB，超过上限 {limits.max_bytes >> 20} MB，未读取"
        )
    return extract_bytes(path.read_bytes(), path.suffix, limits)


__all__ = ["Block", "Extracted", "Limits", "extract_bytes", "extract_file", "sniff"]
