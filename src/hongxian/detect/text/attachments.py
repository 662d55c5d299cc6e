"""Text found in attachments (documents and images posted in chats, or handed in loose) through the
same text checks as messages.

Each text block of the ``attachments`` table is evaluated as message text of the message that carried
the file (its sender, chat and time); a loose file has no message, so its evidence points at the
attachment row itself. The hit's field becomes the block's place ("附件《通知.pdf》第1页·版头（密级和
保密期限）", "图片《IMG_0001.jpg》"), and for OCR'd text the box of the line that hit is added, so the
evidence says where in the file the text sits.
"""

from __future__ import annotations

from pathlib import PurePosixPath

import pyarrow as pa
import pyarrow.compute as pc

from hongxian.detect.text.env import MsgMeta, TextEnv
from hongxian.detect.text.suite import CompiledSuite, Hit
from hongxian.labels import ATTACHMENT_FIELD_ZH

IMAGE_SUFFIXES = frozenset(
    {".dat", ".jpg", ".jpeg", ".png", ".gif", ".bmp", ".webp", ".tif", ".tiff", ".heic"}
)
COLUMNS = ("attachment_id", "message_id", "path", "page", "part", "mark", "field", "text", "boxes")


class AttachMeta(MsgMeta):
    """A message's metadata plus the attachment block the text came from."""

    __slots__ = ("table", "place", "boxes")

    def __init__(self, base: MsgMeta, table: str, place: str, boxes: str | None):
        super().__init__(base.message_id, base.sender, base.chat_id, base.ts, base.is_group)
        self.table, self.place, self.boxes = table, place, boxes


def place_of(row: dict) -> str:
    """附件《name》第 N 页·part（mark） — where a block sits, in Chinese."""
    name = PurePosixPath(row["path"] or "").name
    is_image = PurePosixPath(name).suffix.lower() in IMAGE_SUFFIXES
    noun = ATTACHMENT_FIELD_ZH["image_text" if is_image else "attachment_text"]
    part = row["part"] or ""
    if row["page"] and not part.startswith(f"第{row['page']}页"):
        part = f"第{row['page']}页·{part}" if part else f"第{row['page']}页"
    mark = f"（{row['mark']}）" if row["mark"] else ""
    return f"{noun}《{name}》{part}{mark}"


def box_of(hit: Hit) -> str | None:
    """ "x0,y0,x1,y1" of the OCR line holding the hit's first span, if the block has boxes."""
    meta = hit.meta
    if not isinstance(meta, AttachMeta) or not meta.boxes or not hit.verdict.spans:
        return None
    start, _ = hit.norm.span(*hit.verdict.spans[0])
    line = hit.norm.original.count("\n", 0, start)
    boxes = meta.boxes.split(";")
    return boxes[line] if line < len(boxes) else None


def _message_metas(messages: pa.Table, ids: list[str]) -> dict[str, MsgMeta]:
    wanted = messages.filter(pc.is_in(messages.column("message_id"), value_set=pa.array(ids, pa.string())))
    cols = {c: wanted.column(c).to_pylist() for c in ("message_id", "sender_account", "chat_id", "is_group")}
    micros = wanted.column("ts").cast(pa.int64()).to_pylist()
    return {
        mid: MsgMeta(mid, cols["sender_account"][k], cols["chat_id"][k], None, cols["is_group"][k], micros[k])
        for k, mid in enumerate(cols["message_id"])
    }


def scan_attachments(
    suite: CompiledSuite, attachments: pa.Table, messages: pa.Table, env: TextEnv
) -> list[Hit]:
    """Hits in the text blocks of `attachments`, each with an `AttachMeta`."""
    rows = attachments.filter(pc.fill_null(pc.greater(pc.utf8_length(attachments.column("text")), 0), False))
    if not rows.num_rows:
        return []
    rows_py = rows.select(list(COLUMNS)).to_pylist()
    by_msg = _message_metas(messages, sorted({r["message_id"] for r in rows_py if r["message_id"]}))

    def metas(indices: list[int]) -> dict[int, MsgMeta]:
        out: dict[int, MsgMeta] = {}
        for i in indices:
            r = rows_py[i]
            base = by_msg.get(r["message_id"] or "")
            table = "messages" if base is not None else "attachments"
            if base is None:
                base = MsgMeta(r["attachment_id"], None, None, None, None)
            out[i] = AttachMeta(base, table, place_of(r), r["boxes"])
        return out

    texts = [r["text"] for r in rows_py]
    hits = suite.evaluate(texts, ["text"] * len(texts), metas, env)
    for h in hits:
        assert isinstance(h.meta, AttachMeta)
        h.field = h.meta.place
    return hits
