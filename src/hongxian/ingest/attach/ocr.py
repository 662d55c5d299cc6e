"""OCR of photos, screenshots and scanned pages with RapidOCR (PP-OCRv4 models inside the
``rapidocr-onnxruntime`` wheel; nothing is downloaded at run time). Chosen by measurement:
bench/bench_attachments.py and docs/attachments.md.
"""

from __future__ import annotations

import io
from functools import lru_cache
from typing import Any

from hongxian.ingest.attach.blocks import IMAGE_TEXT, Block

MAX_PIXELS = 40_000_000
"""Larger images are refused (decompression bombs); ordinary phone photos are 12–50 MP…"""
MAX_SIDE = 2000
"""…and are scaled so that the long side is at most this before OCR (the detector works at ~736 px)."""
MIN_SCORE = 0.5


class ImageError(Exception):
    """The image cannot be opened (reason in Chinese)."""


@lru_cache(maxsize=1)
def _engine(threads: int) -> Any:
    from rapidocr_onnxruntime import RapidOCR

    return RapidOCR(intra_op_num_threads=threads, inter_op_num_threads=1)


def open_image(data: bytes):
    """A PIL RGB image, turned upright by its EXIF orientation and scaled to `MAX_SIDE`."""
    from PIL import Image, ImageOps, UnidentifiedImageError

    try:
        raw = Image.open(io.BytesIO(data))
        if raw.width * raw.height > MAX_PIXELS:
            raise ImageError(f"图片过大（{raw.width}×{raw.height} 像素），未识别")
        img = ImageOps.exif_transpose(raw).convert("RGB")
    except (UnidentifiedImageError, OSError, Image.DecompressionBombError) as exc:
        raise ImageError(f"图片无法打开：{exc}") from exc
    scale = MAX_SIDE / max(img.width, img.height)
    if scale < 1:
        img = img.resize((round(img.width * scale), round(img.height * scale)))
    return img


def ocr_lines(img, threads: int = 1) -> list[tuple[str, tuple[float, float, float, float], float]]:
    """(text, box, score) per line found, top to bottom then left to right."""
    import numpy as np

    result, _ = _engine(threads)(np.asarray(img))
    lines = []
    for quad, text, score in result or ():
        xs, ys = [p[0] for p in quad], [p[1] for p in quad]
        if text.strip() and float(score) >= MIN_SCORE:
            lines.append((text.strip(), (min(xs), min(ys), max(xs), max(ys)), float(score)))
    lines.sort(key=lambda t: (round(t[1][1] / 12), t[1][0]))
    return lines


def image_block(img, page: int | None, part: str, threads: int = 1) -> Block | None:
    """All lines of one image or page as one block (lines joined by newlines), each line's box kept."""
    lines = ocr_lines(img, threads)
    if not lines:
        return None
    return Block(
        "\n".join(t for t, _, _ in lines),
        page=page,
        part=part,
        field=IMAGE_TEXT,
        boxes=[b for _, b, _ in lines],
    )
