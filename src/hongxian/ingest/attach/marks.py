"""The structure of an official document (GB/T 9704-2012 党政机关公文格式), found in extracted text.

The 版头 (the top of the first page) carries 份号 (a six-digit copy number), 密级和保密期限
(绝密/机密/秘密, optionally ★ and a period), 紧急程度 (特急/加急), the 发文机关标志 ("…文件") and
the 发文字号 (〔2024〕12号). The 主送 line ("各…：") opens the body; the 版记 at the end holds the
抄送 and 印发 lines. A running header (页眉) may repeat the 密级 on every page.

`mark_blocks` splits each recognised line out of its block into a block of its own whose `mark`
names the element and whose `part` says where it sits (第1页·版头, 页眉, 第3页·版记 …), so that a
hit on "机密★1年" is reported with its place in the document.
"""

from __future__ import annotations

import re

from hongxian.ingest.attach.blocks import Block

TOP_LINES = 10
"""Lines at the start of a document (or first page) read as its 版头."""
MAIN_TO_LINES = 20
"""The 主送 line is looked for among the first lines of the document only."""
HEADER_PARTS = ("页眉", "页眉/模板", "页脚")
WHOLE_PARTS = ("表格", "工作表", "幻灯片", "备注", "第")  # blocks that are not the body's running text

SECRECY = re.compile(r"(绝密|机密|秘密)\s*(★\s*(长期|\d+\s*(年|个月)))?")
TOP_PATTERNS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("份号", re.compile(r"^(份号[:：]?\s*)?\d{6}$")),
    ("密级和保密期限", re.compile(r"^(绝密|机密|秘密)\s*(★\s*(长期|\d+\s*(年|个月)))?$")),
    ("紧急程度", re.compile(r"^(特急|加急|特提|平急)$")),
    ("发文机关标志", re.compile(r"^\S{2,40}文件$")),
    ("发文字号", re.compile(r"^\S{0,20}[〔\[(（【]\d{4}[〕\])）】]\s*\d+\s*号$")),
)
ANY_PATTERNS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("抄送", re.compile(r"^抄送[:：]")),
    ("印发", re.compile(r"\d{4}\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日\s*印发$")),
)
MAIN_TO = re.compile(r"^[^。；：:]{2,80}(各|、|，|委|局|厅|部|办|政府|单位|党委|党组)[^。；：:]*[:：]$")


def _top_kind(line: str) -> str | None:
    compact = re.sub(r"\s+", "", line)
    for kind, pattern in TOP_PATTERNS:
        if pattern.search(compact):
            return kind
    if SECRECY.fullmatch(compact) is None and SECRECY.search(compact) and "★" in compact:
        return "密级和保密期限"  # "000123 机密★1年 特急" read as one OCR line
    return None


def _any_kind(line: str, doc_line: int) -> str | None:
    compact = line.strip()
    for kind, pattern in ANY_PATTERNS:
        if pattern.search(compact):
            return kind
    if doc_line < MAIN_TO_LINES and MAIN_TO.match(compact):
        return "主送"
    return None


def _where(block: Block, kind: str, zone: str) -> str:
    page = f"第{block.page}页·" if block.page else ""
    if block.part in HEADER_PARTS:
        return f"{page}{block.part}"
    if zone == "header":
        return f"{page}页眉"
    if kind in ("抄送", "印发"):
        return f"{page}版记"
    if kind == "主送":
        return f"{page}主体（主送机关）"
    return f"{page}版头" if zone == "top" else f"{page}{block.part}"


class _Cursor:
    """Counts the body's lines across blocks (a .docx gives one block per paragraph)."""

    def __init__(self) -> None:
        self.doc_line = 0

    def kind(self, block: Block, line: str, index: int) -> tuple[str | None, str]:
        """(element, zone): zone is "top" (版头), "header" (a running header) or "body"."""
        if block.part in HEADER_PARTS:
            kind = "密级和保密期限" if SECRECY.search(line) and "★" in line else None
            return kind, "header"
        body = block.part.startswith("正文") or block.part.startswith("第") or block.field == "image_text"
        top = body and (block.page in (None, 1)) and self.doc_line < TOP_LINES
        later_first = not top and body and index == 0 and (block.page or 0) > 1
        if later_first and SECRECY.search(line) and "★" in line:
            return "密级和保密期限", "header"  # a running header repeating the 密级 on a later page
        kind = _top_kind(line) if top else None
        if kind is None and body:
            kind = _any_kind(line, self.doc_line)
        return kind, "top" if top else "body"


def _split(block: Block, cursor: _Cursor) -> list[Block]:
    lines = block.text.split("\n")
    boxes = block.boxes if block.boxes and len(block.boxes) == len(lines) else None
    keep_lines: list[str] = []
    keep_boxes: list = []
    out: list[Block] = []
    for i, line in enumerate(lines):
        if not line.strip():
            continue
        kind, zone = cursor.kind(block, line, i)
        cursor.doc_line += 0 if block.part in HEADER_PARTS else 1
        if kind is None:
            keep_lines.append(line)
            keep_boxes.append(boxes[i] if boxes else None)
            continue
        where = _where(block, kind, zone)
        box = [boxes[i]] if boxes else None
        out.append(Block(line.strip(), block.page, where, block.field, box, kind))
    if keep_lines:
        rest = Block("\n".join(keep_lines), block.page, block.part, block.field, None, None)
        if boxes:
            rest.boxes = keep_boxes
        out.append(rest)
    return out


def mark_blocks(blocks: list[Block]) -> list[Block]:
    """The blocks with every GB/T 9704 element split out into its own marked block."""
    cursor = _Cursor()
    out: list[Block] = []
    for block in blocks:
        if block.part.startswith(WHOLE_PARTS[:4]):
            out.append(block)
            continue
        out.extend(_split(block, cursor))
    return out
