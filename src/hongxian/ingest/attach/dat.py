"""WeChat PC ``.dat`` images: 3.x files are the image XOR-ed with one byte (docs/formats.md §3.11).

The key is recovered from the header: XOR-ing the first bytes with a known magic number must give the
same byte for every position. Files of newer clients (``07 08 V1 08 07`` / ``V2``) are partly
AES-encrypted with a key held by the running client; they are reported as not decodable, never guessed.
"""

from __future__ import annotations

MAGICS: tuple[tuple[bytes, str], ...] = (
    (b"\xff\xd8\xff", "jpeg"),
    (b"\x89PNG", "png"),
    (b"GIF8", "gif"),
    (b"II*\x00", "tiff"),
    (b"MM\x00*", "tiff"),
    (b"RIFF", "webp"),
    (b"BM", "bmp"),
)
V_HEADERS = (b"\x07\x08V1\x08\x07", b"\x07\x08V2\x08\x07")


class Undecodable(Exception):
    """The .dat file cannot be decoded (reason in Chinese)."""


def xor_key(head: bytes) -> tuple[int, str] | None:
    """(key, format) when the header XOR-ed with one byte gives a known magic number."""
    for magic, fmt in MAGICS:
        if len(head) < len(magic):
            continue
        keys = {head[i] ^ magic[i] for i in range(len(magic))}
        if len(keys) == 1:
            return keys.pop(), fmt
    return None


def decode_dat(data: bytes) -> tuple[bytes, str]:
    """The image bytes and their format. Raises `Undecodable` with a Chinese reason."""
    if data[:6] in V_HEADERS:
        version = data[2:4].decode()
        raise Undecodable(f"新版微信 .dat 图片（{version} 格式，部分内容加密、密钥不在文件中），无法解码")
    found = xor_key(data[:4])
    if found is None:
        raise Undecodable("无法从文件头识别图片格式（不是已知的单字节异或 .dat 图片）")
    key, fmt = found
    if fmt == "bmp" and len(data) >= 6:
        # "BM" is only two bytes: confirm with the file size stored in the BMP header
        size = int.from_bytes(bytes(b ^ key for b in data[2:6]), "little")
        if size != len(data):
            raise Undecodable("文件头疑似 BMP，但长度不符，无法确认解码密钥")
    table = bytes(i ^ key for i in range(256))
    return data.translate(table), fmt


def encode_dat(image: bytes, key: int) -> bytes:
    """An image as WeChat PC 3.x stores it (for test fixtures and the demo)."""
    return image.translate(bytes(i ^ key for i in range(256)))
