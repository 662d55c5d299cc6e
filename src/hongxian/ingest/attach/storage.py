"""Where attachments are and which message each belongs to (WeChat PC 3.x, docs/formats.md §3.11).

Files sit under ``WeChat Files/<wxid>/FileStorage/``: ``File/YYYY-MM/<name>`` (documents),
``Image/YYYY-MM/<hex>.dat`` and ``MsgAttach/<md5>/Image/YYYY-MM/<hex>.dat`` (images, thumbnails in
``…/Thumb/``). A message's ``BytesExtra`` holds repeated ``{1: key, 2: value}`` entries; key 4 is the
image's (or file's) path and key 3 the thumbnail's, written as the client saw them
(``wxid_x\\FileStorage\\MsgAttach\\…``). Paths are compared from ``FileStorage/`` on, case-folded.
A document message without a path in BytesExtra is linked by its file name and month
(``File/<YYYY-MM>/<file_name>``) when exactly one file matches; anything else stays unlinked.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from pathlib import Path

import pyarrow as pa

from hongxian.ingest.protobuf import LEN, VARINT, ProtobufError, iter_fields
from hongxian.ingest.wechat_msg import message_id_for_svrid

STORAGE_DIR = "filestorage"
THUMB_DIRS = ("thumb",)
ATTACH_SUFFIXES = frozenset(
    {
        ".docx",
        ".xlsx",
        ".xls",
        ".pptx",
        ".pdf",
        ".ofd",
        ".txt",
        ".csv",
        ".jpg",
        ".jpeg",
        ".png",
        ".bmp",
        ".gif",
        ".webp",
        ".tif",
        ".tiff",
        ".dat",
        ".doc",
        ".ppt",
        ".wps",
    }
)
PATH_KEYS = (4, 3)
"""BytesExtra keys holding the attachment's path (4) and its thumbnail's (3), best first."""


@dataclass(frozen=True)
class Link:
    message_id: str
    how: str
    """bytes_extra | file_name"""


def storage_key(path: str) -> str | None:
    """``filestorage/…`` of a path written by WeChat (backslashes) or found on disk, case-folded."""
    parts = path.replace("\\", "/").split("/")
    lower = [p.casefold() for p in parts]
    if STORAGE_DIR not in lower:
        return None
    i = len(lower) - 1 - lower[::-1].index(STORAGE_DIR)
    return "/".join(lower[i:])


def in_storage(path: Path) -> bool:
    return STORAGE_DIR in (p.casefold() for p in path.parts)


def is_thumbnail(path: Path) -> bool:
    return any(p.casefold() in THUMB_DIRS for p in path.parts) or path.stem.endswith("_t")


def bytes_extra_paths(blob: bytes | None) -> dict[int, str]:
    """{key: value} of the string entries of a BytesExtra blob with key 3 or 4."""
    out: dict[int, str] = {}
    if not blob:
        return out
    try:
        for number, wire, value in iter_fields(blob):
            if number != 3 or wire != LEN or not isinstance(value, bytes):
                continue
            key, text = None, None
            for f, w, v in iter_fields(value):
                if f == 1 and w == VARINT:
                    key = v
                elif f == 2 and isinstance(v, bytes):
                    text = v
            if key in PATH_KEYS and text:
                out[int(key)] = text.decode("utf-8", errors="replace")
    except ProtobufError:
        return out
    return out


def msg_db_links(db: Path) -> dict[str, Link]:
    """storage key → message, from the MSG table of one decrypted database (empty when it has none)."""
    links: dict[str, Link] = {}
    try:
        con = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    except sqlite3.Error:
        return links
    try:
        rows = con.execute(
            "SELECT MsgSvrID, BytesExtra FROM MSG WHERE Type IN (3, 43, 49) AND BytesExtra IS NOT NULL"
        )
        for svr, blob in rows:
            if not svr:
                continue
            mid = message_id_for_svrid(str(svr))
            for key, path in bytes_extra_paths(blob).items():
                sk = storage_key(path)
                if sk:
                    links.setdefault(sk, Link(mid, "bytes_extra"))
                    if key == 3:  # a thumbnail's path also names the full image beside it
                        links.setdefault(thumb_to_image(sk), Link(mid, "bytes_extra"))
    except sqlite3.Error:
        return links
    finally:
        con.close()
    return links


def thumb_to_image(key: str) -> str:
    """The full image's key for a thumbnail's key (``…/thumb/…/x_t.dat`` → ``…/image/…/x.dat``)."""
    return key.replace("/thumb/", "/image/").replace("_t.dat", ".dat")


def file_name_links(messages: pa.Table, files: list[Path]) -> dict[Path, Link]:
    """Documents under ``FileStorage/File/YYYY-MM/`` matched to file messages by name and month."""
    by_name: dict[tuple[str, str], list[Path]] = {}
    for f in files:
        if in_storage(f) and f.parent.parent.name.casefold() == "file":
            by_name.setdefault((f.parent.name, f.name), []).append(f)
    if not by_name:
        return {}
    out: dict[Path, Link] = {}
    rows = messages.filter(pa.compute.equal(messages.column("kind"), "file")).select(
        ["message_id", "file_name", "ts"]
    )
    for mid, name, ts in zip(
        *(rows.column(c).to_pylist() for c in ("message_id", "file_name", "ts")), strict=True
    ):
        if not name or ts is None:
            continue
        hits = by_name.get((ts.strftime("%Y-%m"), name), [])
        if len(hits) == 1 and hits[0] not in out:
            out[hits[0]] = Link(mid, "file_name")
    return out
