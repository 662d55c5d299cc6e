"""The region of an image or scanned page where OCR found a line, cut out for the report.

The image is rebuilt exactly as the OCR saw it (`.dat` decoded, EXIF-rotated and scaled by
`open_image`; a PDF page rendered at the extraction's resolution), so the stored box applies as is.
Where the finding concerns personal data the crop is pixelated (the layout stays recognisable,
the characters do not).
"""

from __future__ import annotations

import io
from pathlib import Path

from hongxian.ingest.attach.dat import Undecodable, decode_dat
from hongxian.ingest.attach.ocr import ImageError, open_image

MARGIN = 12
MAX_WIDTH = 640
PIXEL = 10


def source_image(path: Path, page: int | None):
    """The PIL image the OCR read for this file (and page), or None when it cannot be rebuilt."""
    data = path.read_bytes()
    try:
        if data[:1024].lstrip().startswith(b"%PDF"):
            import pypdfium2 as pdfium

            from hongxian.ingest.attach.pdf import RENDER_DPI

            doc = pdfium.PdfDocument(data)
            try:
                return doc[(page or 1) - 1].render(scale=RENDER_DPI / 72).to_pil().convert("RGB")
            finally:
                doc.close()
        if path.suffix.lower() == ".dat":
            data, _ = decode_dat(data)
        return open_image(data)
    except (Undecodable, ImageError, IndexError, OSError, ValueError):
        return None


def crop_png(
    path: Path, page: int | None, box: tuple[float, float, float, float], masked: bool
) -> bytes | None:
    """PNG bytes of `box` (with a margin) of the file's image; pixelated when `masked`."""
    img = source_image(path, page)
    if img is None:
        return None
    x0, y0, x1, y1 = box
    region = img.crop(
        (
            max(0, int(x0) - MARGIN),
            max(0, int(y0) - MARGIN),
            min(img.width, int(x1) + MARGIN),
            min(img.height, int(y1) + MARGIN),
        )
    )
    if region.width < 2 or region.height < 2:
        return None
    if masked:
        small = region.resize((max(1, region.width // PIXEL), max(1, region.height // PIXEL)))
        region = small.resize(region.size, resample=0)
    if region.width > MAX_WIDTH:
        region = region.resize((MAX_WIDTH, max(1, region.height * MAX_WIDTH // region.width)))
    buf = io.BytesIO()
    region.save(buf, format="PNG")
    return buf.getvalue()
