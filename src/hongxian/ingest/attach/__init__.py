"""Attachments: files and images posted in chats or handed in loose, turned into screenable text.

`attach_case` (in `run`) finds the files (WeChat PC 3.x ``FileStorage`` trees, loose documents and
photos in the case's exports), links each to its message (BytesExtra paths, file names), decodes
``.dat`` images, extracts text (docx/xlsx/xls/pptx/pdf/ofd/txt/csv; OCR for images and scanned
pages), marks the GB/T 9704 document structure, and writes the ``attachments`` table.
"""

from __future__ import annotations

from hongxian.ingest.attach.extract import Block, Extracted, Limits, extract_bytes, extract_file
from hongxian.ingest.attach.run import AttachOptions, AttachReport, attach_case

__all__ = [
    "AttachOptions",
    "AttachReport",
    "Block",
    "Extracted",
    "Limits",
    "attach_case",
    "extract_bytes",
    "extract_file",
]
