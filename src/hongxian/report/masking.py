"""Masking of personal data in any free text a report renders.

Phone numbers, resident ID numbers and bank-card numbers are masked wherever they appear
(explanations, excerpts, memos, notes, decision reasons, chart labels). Masking is idempotent:
masked text passes through unchanged, so excerpts already masked by a detector are safe.

The validated masking of `hongxian.pii` (`mask_text`) runs first, so reports mask valid numbers
exactly as finding excerpts do; the broad patterns here then catch anything left that merely looks
like a phone, ID or card number (over-masking is the safe side).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import lru_cache

from hongxian.pii import mask_text

# 18-digit resident ID (last char may be X) and the old 15-digit form.
_ID18 = re.compile(r"(?<![0-9A-Za-z])([1-9]\d{5})(\d{8})(\d{3}[0-9Xx])(?![0-9A-Za-z])")
_ID15 = re.compile(r"(?<![0-9A-Za-z])([1-9]\d{5})(\d{6})(\d{3})(?![0-9A-Za-z])")
# Mainland mobile numbers, optionally with +86 / 86 and separators (138-1234-5678, 138 1234 5678).
_PHONE = re.compile(r"(?<!\d)((?:\+?86[- ]?)?1[3-9]\d)[- ]?(\d{4})[- ]?(\d{4})(?!\d)")
# Bank cards: 16–19 digits, optionally grouped by spaces or dashes in fours.
_CARD = re.compile(r"(?<![0-9A-Za-z])(\d{4}(?:[ -]?\d{4}){2,3}(?:[ -]?\d{1,3})?)(?![0-9A-Za-z])")
# Landlines: 0xx(x)-xxxxxxx(x).
_LANDLINE = re.compile(r"(?<!\d)(0\d{2,3})-(\d{3,4})(\d{4})(?!\d)")


def _mask_card(m: re.Match[str]) -> str:
    raw = m.group(1)
    digits = re.sub(r"\D", "", raw)
    groups = re.split(r"[ -]", raw)
    if not 16 <= len(digits) <= 19 or (len(groups) > 1 and any(len(g) != 4 for g in groups[:-1])):
        return raw  # e.g. a date range 20170101-20170228 in a file name
    return digits[:4] + " **** **** " + digits[-4:]


def builtin_mask_text(text: str) -> str:
    """Mask phone numbers, ID numbers and bank cards in ``text``."""
    if not text:
        return text
    text = _ID18.sub(lambda m: m.group(1) + "********" + m.group(3)[-4:], text)
    text = _ID15.sub(lambda m: m.group(1) + "******" + m.group(3), text)
    text = _CARD.sub(_mask_card, text)
    text = _PHONE.sub(lambda m: m.group(1) + "****" + m.group(3), text)
    text = _LANDLINE.sub(lambda m: m.group(1) + "-" + "*" * len(m.group(2)) + m.group(3), text)
    return text


_DIGIT = re.compile(r"\d")


def make_masker(enabled: bool = True) -> Callable[[str | None], str]:
    """A masking function for report text; ``enabled=False`` only turns ``None`` into ``""``."""

    @lru_cache(maxsize=65536)
    def _mask(text: str) -> str:
        if not _DIGIT.search(text):  # every pattern needs digits
            return text
        return builtin_mask_text(mask_text(text))

    def mask(text: str | None) -> str:
        if text is None:
            return ""
        text = str(text)
        return _mask(text) if enabled else text

    return mask
