"""Cropped image regions for evidence found by OCR: the line of a photo or scanned page that hit,
as a PNG data URI beside the evidence (pixelated when the finding is about personal data)."""

from __future__ import annotations

import base64
import re
from pathlib import Path, PurePosixPath

from hongxian.dataset.dataset import Dataset
from hongxian.ingest.attach.crop import crop_png
from hongxian.schema import Evidence

NOTE_BOX = re.compile(r"识别位置（像素）：(\d+),(\d+),(\d+),(\d+)")
NOTE_FILE = re.compile(r"(?:附件|图片)《(.+?)》")


class Crops:
    """`crops(evidence, category)` → data URI or ""; needs the case folder (the files) and the
    ``attachments`` table."""

    def __init__(self, case_dir: Path | None, dataset: Dataset):
        self.case_dir = case_dir
        self.index: dict[tuple[str, str], list[dict]] = {}
        if case_dir is None:
            return
        table = dataset["attachments"]
        rows = table.filter(table.column("boxes").is_valid()).select(
            ["attachment_id", "message_id", "path", "page", "boxes"]
        )
        for r in rows.to_pylist():
            name = PurePosixPath(r["path"]).name
            for key in (r["message_id"], r["attachment_id"]):
                if key:
                    self.index.setdefault((key, name), []).append(r)

    def __call__(self, e: Evidence, category: str) -> str:
        box, name = NOTE_BOX.search(e.note or ""), NOTE_FILE.search(e.note or "")
        if self.case_dir is None or box is None or name is None:
            return ""
        text = ",".join(box.groups())
        row = next(
            (r for r in self.index.get((e.id, name.group(1)), []) if text in r["boxes"].split(";")), None
        )
        if row is None:
            return ""
        x0, y0, x1, y1 = (float(v) for v in box.groups())
        coords = (x0, y0, x1, y1)
        png = crop_png(
            self.case_dir / row["path"], row["page"], coords, masked=category.startswith("privacy")
        )
        return "data:image/png;base64," + base64.b64encode(png).decode() if png else ""
