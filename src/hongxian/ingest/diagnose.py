"""Why a file was not recognised: one Chinese sentence a user can act on (issue 14).

Readers only say yes or no; this looks at the first bytes of a file no reader accepted and names the
most likely cause — a UTF-16 re-save, text whose encoding was converted wrongly (mojibake), a
still-encrypted database — or lists what hongxian does read.
"""

from __future__ import annotations

from pathlib import Path

HEAD_BYTES = 64 * 1024
SIGNATURES = {"微信支付账单明细": "微信支付账单", "支付宝": "支付宝账单", "交易时间": "账单"}
SUPPORTED = (
    "微信支付账单（CSV / XLSX）、支付宝账单（CSV）、微信 PC 数据库（MSG*.db、MicroMsg.db）、"
    "PyWxDump 或留痕（MemoTrace）导出的聊天 CSV"
)
MOJIBAKE_ROUNDS = (("cp1252", "utf-8"), ("latin-1", "utf-8"), ("gbk", "utf-8"), ("utf-8", "gb18030"))


def _what(text: str) -> str | None:
    for sig, what in SIGNATURES.items():
        if sig in text:
            return what
    return None


def _utf16(head: bytes) -> str | None:
    if head[:2] in (b"\xff\xfe", b"\xfe\xff"):
        return head.decode("utf-16", errors="ignore")
    sample = head[:400]
    if len(sample) >= 20 and sample[1::2].count(0) > len(sample) // 4:
        return sample.decode("utf-16-le", errors="ignore")
    return None


def _mojibake(text: str) -> str | None:
    """What the text was before a wrong encoding conversion, when that reveals an export."""
    for wrong, right in MOJIBAKE_ROUNDS:
        try:
            fixed = text.encode(wrong, errors="ignore").decode(right, errors="ignore")
        except LookupError:  # pragma: no cover - the codecs above ship with Python
            continue
        if fixed != text and (what := _what(fixed)):
            return what
    return None


def _decoded(head: bytes) -> str | None:
    for enc in ("utf-8-sig", "gb18030"):
        try:
            return head.decode(enc)
        except UnicodeDecodeError:
            continue
    return None


def why_unrecognised(path: Path) -> str:
    """One sentence: why no reader accepted ``path``, and what to do."""
    with open(path, "rb") as fh:
        head = fh.read(HEAD_BYTES)
    if (text16 := _utf16(head)) is not None:
        what = _what(text16) or "文本"
        return (
            f"文件是 UTF-16 编码的{what}（多见于用 Excel 或记事本另存），hongxian 只读原始导出的 UTF-8 或 "
            "GB18030 文件：请改用原始导出文件，或另存为“CSV UTF-8”后重新导入。"
        )
    text = _decoded(head)
    if text is None:
        if len(head) >= 16 and head[:16] != b"SQLite format 3\x00" and path.suffix.lower() == ".db":
            return "文件像是仍加密的微信数据库（没有 SQLite 文件头）：请先用解密工具导出明文数据库。"
        return f"不是可识别的文本或数据库文件。hongxian 可读取：{SUPPORTED}。"
    if (garbled := _mojibake(text)) is not None:
        return (
            f"文件内容是乱码的{garbled}（编码被错误转换过，例如按 Latin-1 或 GBK 打开后又保存）："
            "请改用原始导出文件。"
        )
    if text.count("\ufffd") > 3:
        return "文件中有大量无法解码的字符（�），编码已损坏：请改用原始导出文件。"
    first = next((line.strip() for line in text.splitlines() if line.strip()), "")[:40]
    shown = f"（首行：“{first}”）" if first else ""
    return f"内容不符合任何支持的导出格式{shown}。hongxian 可读取：{SUPPORTED}，格式说明见 docs/formats.md。"
