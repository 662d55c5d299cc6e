"""Payment typologies (P1–P5): served-party fan-in, vote buying, red-packet gambling, festival gift
money and splitting. Each module exposes ``DETECTORS``; this package collects them."""

from hongxian.detect.payments.festival import DETECTORS as _FESTIVAL
from hongxian.detect.payments.gambling import DETECTORS as _GAMBLING
from hongxian.detect.payments.served import DETECTORS as _SERVED
from hongxian.detect.payments.splitting import DETECTORS as _SPLITTING
from hongxian.detect.payments.vote import DETECTORS as _VOTE

DETECTORS = [*_SERVED, *_VOTE, *_GAMBLING, *_FESTIVAL, *_SPLITTING]
