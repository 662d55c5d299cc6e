"""Payment typologies (P1–P5): served-party fan-in, vote buying, red-packet gambling, festival gift
money and splitting. Each module has ``register(registry)``; `PLUGINS` lists them."""

from __future__ import annotations

from hongxian.detect.payments import festival, gambling, gambling_bill, served, splitting, vote

PLUGINS = (served, vote, gambling, gambling_bill, festival, splitting)
