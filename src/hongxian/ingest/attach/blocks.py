"""What every extractor returns: text blocks with where they sit in the file."""

from __future__ import annotations

from dataclasses import dataclass, field

ATTACHMENT_TEXT = "attachment_text"
IMAGE_TEXT = "image_text"


@dataclass
class Block:
    """One piece of text and its place: page (1-based, None when the format has none), the part of
    the document (Chinese: 正文, 页眉, 表格, 工作表「…」, 幻灯片 …) and the field it feeds."""

    text: str
    page: int | None = None
    part: str = "正文"
    field: str = ATTACHMENT_TEXT
    boxes: list[tuple[float, float, float, float]] | None = None
    """One box per line of `text` (x0, y0, x1, y1 in the image's or page's pixels), when OCR found it."""
    mark: str | None = None
    """A GB/T 9704 element (密级和保密期限, 份号, 紧急程度, 发文机关标志, 发文字号, 主送, 抄送, 印发)."""


@dataclass
class Extracted:
    """A file's text, or why there is none. `status`: ok | empty | capped | undecodable |
    unsupported | too_large | timeout | failed. `detail` is a Chinese sentence for the report."""

    format: str
    blocks: list[Block] = field(default_factory=list)
    status: str = "ok"
    detail: str | None = None
    pages: int | None = None
    ocr_pages: int = 0
    images: int = 0

    def problem(self, status: str, detail: str) -> Extracted:
        self.status, self.detail = status, detail
        return self
