"""Personal data in Chinese text, shared by the text checks, the self-check and the reports.

Recognition (`hongxian.pii.recognize`): resident IDs (GB 11643 check digit), mobiles, bank cards (Luhn),
detailed addresses confirmed by cpca. Masking (`hongxian.pii.masking`): the one masking format of
excerpts, reports and the UI (`640104**********7X`, `139****0123`). This module is the package's door.
"""

from __future__ import annotations

from hongxian.pii.masking import KEEP, excerpt, mask_spans, mask_text, mask_value, pii_mask
from hongxian.pii.recognize import (
    CANDIDATE,
    Address,
    AddressLocator,
    PiiHit,
    PiiKindName,
    find_addresses,
    id18_check_digit,
    luhn_ok,
    numbers_in,
    plain_pii,
    plain_pii_many,
    valid_card,
    valid_id15,
    valid_id18,
    valid_mobile,
)

__all__ = [
    "CANDIDATE",
    "KEEP",
    "Address",
    "AddressLocator",
    "PiiHit",
    "PiiKindName",
    "excerpt",
    "find_addresses",
    "id18_check_digit",
    "luhn_ok",
    "mask_spans",
    "mask_text",
    "mask_value",
    "numbers_in",
    "pii_mask",
    "plain_pii",
    "plain_pii_many",
    "valid_card",
    "valid_id15",
    "valid_id18",
    "valid_mobile",
]
