"""Checks on container files before anything inflates them (zip bombs, issue 13 item 3).

An .xlsx is a zip archive. Its central directory declares every member's compressed and
uncompressed size; `check_zip` reads only that directory and refuses the file when a member, or
the whole archive, would inflate past a sane size or at a ratio no spreadsheet reaches. The
declared sizes are also what the readers trust afterwards: Python's ``zipfile`` stops a member
that inflates past its declared size (``Bad CRC`` / ``Truncated``), and calamine reads the same
directory.
"""

from __future__ import annotations

import zipfile
from pathlib import Path

ZIP_MAGIC = b"PK\x03\x04"
MAX_MEMBER_BYTES = 512 << 20
"""No single member (a worksheet's XML) may inflate past this (a real million-row bill sheet is ~400 MB)."""
MAX_TOTAL_BYTES = 1 << 30
MAX_RATIO = 100
"""Spreadsheet XML compresses 5–30×; a member this much larger than its compressed size is a bomb…"""
RATIO_FLOOR_BYTES = 8 << 20
"""…when it also inflates past this size (tiny members can have any ratio)."""
MAX_MEMBERS = 10_000


def _mib(n: int) -> str:
    return f"{n / (1 << 20):,.0f} MB"


def zip_problem(path: Path) -> str | None:
    """Why the archive must not be opened (Chinese), or None when its declared sizes are sane.

    Reads the central directory only; nothing is decompressed."""
    try:
        with zipfile.ZipFile(path) as zf:
            infos = zf.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError) as exc:
        return f"压缩包（.xlsx）目录损坏，无法打开：{exc}"
    if len(infos) > MAX_MEMBERS:
        return f"压缩包内文件过多（{len(infos)} 个），疑为恶意构造，已拒绝读取"
    total = 0
    for info in infos:
        size, packed = info.file_size, max(info.compress_size, 1)
        total += size
        if size > MAX_MEMBER_BYTES:
            return (
                f"压缩包成员 {info.filename} 解压后达 {_mib(size)}，超过上限 {_mib(MAX_MEMBER_BYTES)}，"
                "疑为压缩炸弹，已拒绝读取"
            )
        if size > RATIO_FLOOR_BYTES and size / packed > MAX_RATIO:
            return (
                f"压缩包成员 {info.filename} 压缩比 {size / packed:,.0f} 倍"
                f"（{_mib(packed)} → {_mib(size)}），"
                f"超过上限 {MAX_RATIO} 倍，疑为压缩炸弹，已拒绝读取"
            )
    if total > MAX_TOTAL_BYTES:
        return f"压缩包解压后共 {_mib(total)}，超过上限 {_mib(MAX_TOTAL_BYTES)}，疑为压缩炸弹，已拒绝读取"
    return None


def is_zip(head: bytes) -> bool:
    return head[:4] == ZIP_MAGIC
