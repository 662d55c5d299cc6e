"""Plain text and CSV: UTF-8 (with or without BOM), UTF-16 with BOM, else GB18030."""

from __future__ import annotations

import codecs
import csv
import io

from hongxian.ingest.attach.blocks import Block


def decode_text(data: bytes) -> tuple[str, str]:
    """(text, encoding name)."""
    if data.startswith(codecs.BOM_UTF8):
        return data[3:].decode("utf-8", errors="replace"), "utf-8-sig"
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return data.decode("utf-16", errors="replace"), "utf-16"
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        return data.decode("gb18030", errors="replace"), "gb18030"


def text_blocks(data: bytes) -> list[Block]:
    text, _ = decode_text(data)
    return [Block(text, page=None, part="正文")] if text.strip() else []


def csv_blocks(data: bytes) -> list[Block]:
    """One block per row (cells joined by tabs), the part naming the row."""
    text, _ = decode_text(data)
    out = []
    for i, row in enumerate(csv.reader(io.StringIO(text)), start=1):
        line = "\t".join(c.strip() for c in row if c.strip())
        if line:
            out.append(Block(line, part=f"第{i}行"))
    return out
