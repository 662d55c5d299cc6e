"""Types of the compiled kernel (`_kernel.c`); buffers are C-contiguous numpy arrays or bytearrays."""

from collections.abc import Sequence

import numpy as np

def gram_logits(
    codes: np.ndarray,
    starts: np.ndarray,
    weights: np.ndarray,
    bits: int,
    orders: Sequence[int],
    ncat: int,
    out: np.ndarray,
) -> None: ...
def utf8_blob(
    codes: np.ndarray, starts: np.ndarray, separator: int, out: bytearray, byte_at: np.ndarray
) -> int: ...
def map_texts(
    raw: np.ndarray,
    first: np.ndarray,
    chars: np.ndarray,
    digits: np.ndarray,
    codes: np.ndarray,
    msg: np.ndarray,
    pos: np.ndarray,
    kept_digits: np.ndarray,
    starts: np.ndarray,
) -> int: ...
