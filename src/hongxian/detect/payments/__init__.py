"""Payment typologies (P1–P5): served-party fan-in, vote buying, red-packet gambling, festival gift
money and splitting. Each module exposes ``DETECTORS``; this package collects them."""

from hongxian.detect.payments.served import DETECTORS as _SERVED

DETECTORS = [*_SERVED]
