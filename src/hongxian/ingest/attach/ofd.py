"""OFD (GB/T 33190-2016), the national format of official documents: a zip of XML.

``OFD.xml`` names each document's root (``DocBody/DocRoot``); the document lists its pages
(``Pages/Page/@BaseLoc``) and page templates (``CommonData/TemplatePage``); a page's content holds
``TextObject`` elements (``Boundary`` = "x y w h" in millimetres) whose ``TextCode`` children carry the
characters. Text is read in reading order (top to bottom, left to right), one line per row of text
objects; a template's text (a running header) is reported as 页眉/模板.
"""

from __future__ import annotations

import io
import posixpath
import zipfile

from defusedxml import ElementTree

from hongxian.ingest.attach.blocks import Block, Extracted

NS = "{http://www.ofdspec.org/2016}"
MAX_INFLATED = 256 << 20
LINE_TOLERANCE_MM = 2.0


class OfdError(Exception):
    """Not a readable OFD package (reason in Chinese)."""


def _read(zf: zipfile.ZipFile, name: str):
    try:
        return ElementTree.fromstring(zf.read(name.lstrip("/")))
    except KeyError as exc:
        raise OfdError(f"OFD 包缺少 {name}") from exc
    except ElementTree.ParseError as exc:
        raise OfdError(f"OFD 包中 {name} 不是合法的 XML：{exc}") from exc


def _resolve(base_dir: str, loc: str) -> str:
    loc = loc.strip()
    return loc.lstrip("/") if loc.startswith("/") else posixpath.normpath(posixpath.join(base_dir, loc))


def _text_objects(root) -> list[tuple[float, float, str]]:
    """(y, x, text) of every TextObject in a content document, in millimetres."""
    out = []
    for obj in root.iter(f"{NS}TextObject"):
        parts = [(tc.text or "") for tc in obj.iter(f"{NS}TextCode")]
        text = "".join(parts).strip()
        if not text:
            continue
        try:
            x, y, *_ = (float(v) for v in (obj.get("Boundary") or "0 0 0 0").split())
        except ValueError:
            x = y = 0.0
        out.append((y, x, text))
    return out


def _lines(objects: list[tuple[float, float, str]]) -> str:
    """Text objects joined into lines: objects whose tops are within `LINE_TOLERANCE_MM` share a line."""
    lines: list[list[tuple[float, float, str]]] = []
    for obj in sorted(objects):
        if lines and abs(lines[-1][0][0] - obj[0]) <= LINE_TOLERANCE_MM:
            lines[-1].append(obj)
        else:
            lines.append([obj])
    return "\n".join("".join(t for _, _, t in sorted(line, key=lambda o: o[1])) for line in lines)


def _templates(zf: zipfile.ZipFile, doc, doc_dir: str) -> dict[str, str]:
    out = {}
    for tpl in doc.iter(f"{NS}TemplatePage"):
        loc = tpl.get("BaseLoc")
        if loc:
            out[tpl.get("ID") or ""] = _lines(_text_objects(_read(zf, _resolve(doc_dir, loc))))
    return out


def _document_blocks(zf: zipfile.ZipFile, doc_path: str, max_pages: int) -> tuple[list[Block], int]:
    doc = _read(zf, doc_path)
    doc_dir = posixpath.dirname(doc_path)
    templates = _templates(zf, doc, doc_dir)
    pages = [p for p in doc.iter(f"{NS}Page") if p.get("BaseLoc")]
    blocks = []
    for n, page in enumerate(pages[:max_pages], start=1):
        content = _read(zf, _resolve(doc_dir, page.get("BaseLoc") or ""))
        for tpl in content.iter(f"{NS}Template"):
            text = templates.get(tpl.get("TemplateID") or "")
            if text:
                blocks.append(Block(text, page=n, part="页眉/模板"))
        text = _lines(_text_objects(content))
        if text:
            blocks.append(Block(text, page=n, part=f"第{n}页"))
    return blocks, len(pages)


def ofd_extract(data: bytes, max_pages: int) -> Extracted:
    out = Extracted("ofd")
    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
        if sum(i.file_size for i in zf.infolist()) > MAX_INFLATED:
            return out.problem("too_large", "OFD 包解压后过大，未读取（疑似压缩炸弹）")
        root = _read(zf, "OFD.xml")
        roots = [e.text.strip() for e in root.iter(f"{NS}DocRoot") if e.text and e.text.strip()]
        if not roots:
            raise OfdError("OFD.xml 未列出任何文档（DocBody/DocRoot）")
        total = 0
        for doc_root in roots:
            blocks, pages = _document_blocks(zf, _resolve("", doc_root), max_pages - total)
            out.blocks.extend(blocks)
            total += pages
        out.pages = total
        if total > max_pages:
            out.problem("capped", f"共 {total} 页，只读取了前 {max_pages} 页")
    except (zipfile.BadZipFile, OfdError) as exc:
        return out.problem("failed", f"OFD 文件无法读取：{exc}")
    return out
