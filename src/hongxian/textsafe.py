"""Text from evidence made safe to show or export (issue 13 items 11 and 14).

* Bidirectional controls (U+202E RIGHT-TO-LEFT OVERRIDE and kin) make a file name such as
  ``invoice‮fdp.exe`` display as ``invoiceexe.pdf``. Pages and reports show each control as a
  visible mark (`visible_bidi`); JSONL escapes them as ``\\u202e`` (`json_line`), which parses
  back to the same text.
* A CSV cell starting with ``=``, ``+``, ``-``, ``@``, TAB or CR is run as a formula by
  spreadsheet programs (``=HYPERLINK(…)``, ``=cmd|…``). `csv_cell` prefixes such a cell with a
  single quote, the OWASP rule for CSV injection; every CSV hongxian writes goes through it.
"""

from __future__ import annotations

import json
import re

from markupsafe import Markup

BIDI_CONTROLS = "\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
_VISIBLE = {ord(c): f"⟨U+{ord(c):04X}⟩" for c in BIDI_CONTROLS}
_JSON_ESCAPED = {ord(c): f"\\u{ord(c):04x}" for c in BIDI_CONTROLS}
_LONE_SURROGATE = re.compile("[\ud800-\udfff]")
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "＝", "＋", "－", "＠")


def without_lone_surrogates(text: str) -> str:
    """A lone UTF-16 surrogate (``\\ud800`` in JSON input, a broken export) replaced by U+FFFD, which
    keeps every offset: such a text can then be matched, stored and printed as UTF-8."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return _LONE_SURROGATE.sub("\ufffd", text)
    return text


def visible_bidi(text: str) -> str:
    """Every bidirectional control character replaced by a visible ``⟨U+202E⟩`` mark."""
    return text.translate(_VISIBLE)


def finalize_for_display(value: object) -> object:
    """Jinja ``finalize``: strings (escaped or not) printed into a page get `visible_bidi`."""
    if isinstance(value, Markup):
        return Markup(str(value).translate(_VISIBLE))  # marks carry no markup characters
    if isinstance(value, str):
        return value.translate(_VISIBLE)
    return value


def json_line(obj: object) -> str:
    """One JSONL line: UTF-8 text kept readable, bidirectional controls escaped (``\\u202e``)."""
    return json.dumps(obj, ensure_ascii=False).translate(_JSON_ESCAPED)


def csv_cell(value: object) -> object:
    """A CSV value that no spreadsheet program runs as a formula (OWASP: prefix a single quote)."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value
