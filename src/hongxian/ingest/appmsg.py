"""WeChat message payloads: LZ4 ``CompressContent``, appmsg XML, red-packet claim notices.

docs/formats.md §3.2, §3.5–3.7. Nothing here raises on bad input: every parser returns
what it could read plus a flag saying whether the input was well-formed, so the caller can
keep the message and record a warning or reject.

appmsg fields read (``<msg><appmsg>…``):

* all: ``type``, ``title``, ``des``, ``url``;
* quote (57): ``refermsg/svrid``;
* transfer (2000): ``wcpayinfo/{paysubtype, feedesc, transcationid, transferid, pay_memo,
  payer_username, receiver_username}``;
* red packet (2001): ``sendid`` from ``url`` / ``wcpayinfo/nativeurl`` / ``wcpayinfo/paymsgid``,
  blessing from ``receivertitle`` / ``sendertitle``, ``sendusername`` from ``nativeurl``.

The XML is parsed with ``defusedxml`` (no DTD entity expansion, no external entities). When it
does not parse (unescaped ``&``, truncation, a refused entity …) the same tags are looked up by a
tolerant linear scanner (`_tag`), and the result is flagged ``well_formed=False``.

Message content is hostile input: every scan here is linear in its length (issue 13 item 2; the
former regular expressions backtracked cubically on an unclosed ``<title>``). The few patterns
that stay patterns run on RE2 (``google-re2``), which guarantees linear time.
"""

from __future__ import annotations

import html
import re
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from urllib.parse import unquote

import lz4.block
import re2
from defusedxml import DefusedXmlException
from defusedxml.ElementTree import fromstring as safe_fromstring

MAX_XML_BYTES = 8 << 20
MAX_PARSE_CHARS = 1 << 20
"""Payload characters parsed per message; the rest is reported, never parsed (the text is kept)."""
_EMPTY_SENDERTITLE = "红包已被领完"


def decompress(blob: bytes | None) -> tuple[str | None, bool]:
    """Text of an LZ4-block ``CompressContent`` (no frame header); (None, False) when undecodable.

    The uncompressed size is not stored; like PyWxDump we allow up to 256× the input
    (capped). Trailing NULs are removed. A blob that is plain XML is accepted as is.
    """
    if not blob:
        return None, True
    if not isinstance(blob, bytes | bytearray | memoryview):
        return None, False
    blob = bytes(blob)
    size = min(max(len(blob) << 8, 4096), MAX_XML_BYTES)
    try:
        data = lz4.block.decompress(blob, uncompressed_size=size)
    except (lz4.block.LZ4BlockError, ValueError, MemoryError):
        if blob.lstrip()[:1] == b"<":
            return blob.replace(b"\x00", b"").decode("utf-8", errors="replace"), True
        return None, False
    return data.replace(b"\x00", b"").decode("utf-8", errors="replace"), True


_PREFIX = re.compile(r"^([A-Za-z0-9_\-@.]{2,64}):\n")


def split_sender_prefix(text: str | None) -> tuple[str | None, str | None]:
    """``wxid:\\n<content>`` (mobile / 4.x group messages) → (wxid, content); else (None, text)."""
    if not text or ":\n" not in text[:66]:
        return None, text
    m = _PREFIX.match(text)
    if not m:
        return None, text
    return m.group(1), text[m.end() :]


@dataclass
class AppMsg:
    well_formed: bool
    type: int | None = None
    title: str | None = None
    des: str | None = None
    url: str | None = None
    refer_svrid: str | None = None
    paysubtype: int | None = None
    feedesc: str | None = None
    transcationid: str | None = None
    transferid: str | None = None
    pay_memo: str | None = None
    payer: str | None = None
    receiver: str | None = None
    sendid: str | None = None
    blessing: str | None = None
    sendusername: str | None = None

    @property
    def amount_fen(self) -> int | None:
        return amount_fen(self.feedesc)


def amount_fen(text: str | None) -> int | None:
    """``￥1,000.00`` / ``¥0.10`` → fen; None when absent or unreadable."""
    if not text:
        return None
    m = re.search(r"(\d[\d,]*(?:\.\d+)?)", text)
    if not m:
        return None
    try:
        value = Decimal(m.group(1).replace(",", ""))
    except InvalidOperation:
        return None
    return int((value * 100).to_integral_value())


def _clean(value: str | None) -> str | None:
    if value is None:
        return None
    value = value.strip()
    return value or None


def _int(value: str | None) -> int | None:
    value = _clean(value)
    if value is None:
        return None
    try:
        return int(value)
    except ValueError:
        return None


_CDATA = "<![CDATA["


def _tag(xml: str, name: str) -> str | None:
    """First ``<name>`` value in possibly broken XML, in linear time: after an opening tag (with or
    without attributes) and blanks, either a CDATA section (ending at its first ``]]>``, as XML
    says) followed by blanks and ``</name>``, or text without ``<`` up to ``</name>``."""
    i = xml.find("<" + name)
    if i >= 0 and xml.startswith(">", i + len(name) + 1):  # the usual case: one plain text element
        body = i + len(name) + 2
        close = xml.find("</" + name + ">", body)
        content = xml[body:close] if close >= 0 else ""
        if close >= 0 and "<" not in content:
            return _clean(html.unescape(content))
        bare = content.strip()
        if bare.startswith(_CDATA) and bare.find("]]>", len(_CDATA)) == len(bare) - 3:
            return _clean(bare[len(_CDATA) : -3])
    scan = _TagScan(xml, name)
    for body in scan.bodies():
        found, value = scan.value_at(body)
        if found:
            return value
    return None


class _TagScan:
    """The searches of `_tag` over one document. Every position searched for (next ``>``,
    ``</name>``, ``<``, ``]]>``) is remembered while it lies ahead, so no part of the text is scanned
    more than a few times, whatever it holds."""

    def __init__(self, xml: str, name: str):
        self.xml, self.size = xml, len(xml)
        self.opener, self.closer = "<" + name, "</" + name + ">"
        self.gt = self.close = self.lt = self.cdata_end = self.tried = -1

    def bodies(self) -> Iterator[int]:
        """Where the content of each opening tag starts (each distinct position once); stops when
        no later tag can have a value."""
        xml, size, pos, last = self.xml, self.size, 0, -1
        while (i := xml.find(self.opener, pos)) >= 0:
            j = pos = i + len(self.opener)
            if j >= size:
                return
            if xml[j] == ">":
                body = j + 1
            elif xml[j].isspace():
                if self.gt < j:
                    self.gt = xml.find(">", j)
                    if self.gt < 0:
                        return
                body = self.gt + 1
            else:
                continue
            if body != last:  # the same body as a tag already tried: the same outcome
                last = body
                yield body

    def value_at(self, body: int) -> tuple[bool, str | None]:
        """(found, value) for a tag whose content starts at ``body``."""
        xml, k = self.xml, body
        while k < self.size and xml[k].isspace():
            k += 1
        if xml.startswith(_CDATA, k):
            return self._cdata(k + len(_CDATA))
        if self.close < k:
            found = xml.find(self.closer, k)
            self.close = self.size + 1 if found < 0 else found  # past the end: no closing tag left
        if self.close > self.size:
            return False, None
        if self.lt < k:
            self.lt = xml.find("<", k)
        if self.lt >= self.close:
            return True, _clean(html.unescape(xml[k : self.close]))
        return False, None

    def _cdata(self, start: int) -> tuple[bool, str | None]:
        xml, size = self.xml, self.size
        if self.cdata_end < start:
            end = xml.find("]]>", start)
            self.cdata_end = size if end < 0 else end
        if self.cdata_end >= size or self.cdata_end == self.tried:
            return False, None
        self.tried = m = self.cdata_end
        m += 3
        while m < size and xml[m].isspace():
            m += 1
        if xml.startswith(self.closer, m):
            return True, _clean(xml[start : self.cdata_end])
        return False, None


_APP_TAGS = frozenset(("type", "title", "des", "url"))
_PAY_TAGS = frozenset(
    (
        "paysubtype",
        "feedesc",
        "transcationid",
        "transferid",
        "pay_memo",
        "payer_username",
        "receiver_username",
        "nativeurl",
        "paymsgid",
        "receivertitle",
        "sendertitle",
    )
)


def _fields_from_tree(xml: str) -> dict[str, str | None] | None:
    try:
        root = safe_fromstring(xml)
    except (ET.ParseError, DefusedXmlException, ValueError):
        return None
    app = root if root.tag == "appmsg" else root.find("appmsg")
    if app is None:
        return {}
    out: dict[str, str | None] = {}
    for child in app:  # one pass over the children instead of a findtext per field
        tag = child.tag
        if tag in _APP_TAGS:
            out.setdefault(tag, _clean(child.text))
        elif tag == "wcpayinfo":
            for sub in child:
                if sub.tag in _PAY_TAGS:
                    out.setdefault(sub.tag, _clean(sub.text))
        elif tag == "refermsg":
            out["svrid"] = _clean(child.findtext("svrid"))
    return out


def _fields_from_regex(xml: str) -> dict[str, str | None]:
    out = {t: _tag(xml, t) for t in (*_APP_TAGS, *_PAY_TAGS)}
    out["svrid"] = _tag(xml, "svrid")
    return out


_SENDID = re.compile(r"[?&;]sendid=(\d+)")
_SENDUSER = re.compile(r"[?&;]sendusername=([^&#\s]+)")


def _red_packet(f: dict[str, str | None], msg: AppMsg) -> None:
    for src in (f.get("url"), f.get("nativeurl")):
        m = _SENDID.search(src) if src else None  # [?&;] also matches an unexpanded &amp;
        if m:
            msg.sendid = m.group(1)
            break
    paymsgid, nativeurl = f.get("paymsgid"), f.get("nativeurl")
    if msg.sendid is None and paymsgid and paymsgid.isdigit():
        msg.sendid = paymsgid
    if nativeurl:
        m = _SENDUSER.search(nativeurl)
        msg.sendusername = unquote(m.group(1)) if m else None
    sender_title = f.get("sendertitle")
    if sender_title == _EMPTY_SENDERTITLE:
        sender_title = None
    msg.blessing = f.get("receivertitle") or sender_title


_LIGHT_TAGS = ("type", "title", "des", "url", "svrid")


def parse_appmsg(xml: str | None, light: bool = False) -> AppMsg | None:
    """Fields of an appmsg document; None when there is no text at all.

    ``light`` (links, files, quotes … — not payments): only type/title/des/url/svrid, read with
    the tag expressions instead of building a tree (a tenth of the cost); the document counts as
    well-formed when it is complete (ends with ``</msg>`` / ``</appmsg>``).
    """
    if not xml or not xml.strip():
        return None
    xml = xml.strip()
    if light:
        fields = {t: _tag(xml, t) for t in _LIGHT_TAGS}
        well_formed = xml.endswith(("</msg>", "</appmsg>")) and "<appmsg" in xml
        if not any(fields.values()):
            return AppMsg(well_formed=False)
        return AppMsg(
            well_formed=well_formed,
            type=_int(fields["type"]),
            title=fields["title"],
            des=fields["des"],
            url=fields["url"],
            refer_svrid=fields["svrid"],
        )
    tree_fields = _fields_from_tree(xml)
    well_formed = tree_fields is not None
    if tree_fields:
        fields = tree_fields
    else:
        fields = _fields_from_regex(xml)
        if not any(fields.values()):
            return AppMsg(well_formed=False)
    msg = AppMsg(
        well_formed=well_formed,
        type=_int(fields.get("type")),
        title=fields.get("title"),
        des=fields.get("des"),
        url=fields.get("url"),
        refer_svrid=fields.get("svrid"),
        paysubtype=_int(fields.get("paysubtype")),
        feedesc=fields.get("feedesc"),
        transcationid=fields.get("transcationid"),
        transferid=fields.get("transferid"),
        pay_memo=fields.get("pay_memo"),
        payer=fields.get("payer_username"),
        receiver=fields.get("receiver_username"),
    )
    if msg.type == 2001 or fields.get("nativeurl") or fields.get("paymsgid"):
        _red_packet(fields, msg)
    return msg


# ---------------------------------------------------------------- claim notices (10000)

_CLAIM = re2.compile(r"(?s)^\s*(?:<img[^>]*>\s*)?(.+?)领取了(你|.+?)的<_wc_custom_link_[^>]*?sendid=(\d+)")


@dataclass(frozen=True)
class Claim:
    claimer: str  # display name, or "你" when the owner claimed
    packet_sender: str  # display name, or "你" when the owner sent the packet
    sendid: str
    text: str

    @property
    def owner_claimed(self) -> bool:
        return self.claimer == "你"


def plain_text(text: str | None) -> str | None:
    """System-notice text without tags and entities."""
    if not text:
        return text
    return _clean(html.unescape(strip_tags(text)))


def strip_tags(text: str) -> str:
    """``text`` without ``<…>`` markup (what ``re.sub("<[^>]+>", "", text)`` gives), in linear time."""
    out, pos = [], 0
    while (i := text.find("<", pos)) >= 0:
        j = text.find(">", i + 1)
        if j < 0:
            break
        if j == i + 1:  # "<>" is not a tag
            out.append(text[pos : i + 1])
            pos = i + 1
            continue
        out.append(text[pos:i])
        pos = j + 1
    out.append(text[pos:])
    return "".join(out)


def parse_claim(text: str | None) -> Claim | None:
    """``老周领取了你的<_wc_custom_link_ … sendid=…>红包</…>`` → Claim; None if not a claim."""
    if not text or "sendid=" not in text:
        return None
    m = _CLAIM.match(text)
    if not m:
        return None
    claimer = html.unescape(m.group(1)).strip()
    return Claim(claimer, html.unescape(m.group(2)).strip(), m.group(3), plain_text(text) or "")
