"""Tazama-style banded scoring shared by the payment typologies.

A typology computes named evidence features for a candidate (an official in a window). Each
band of the check's params tests one feature against a half-open range ``[ge, lt)`` and carries
a weight and a Chinese reason. Per feature the matching band with the largest weight counts
(so "≥5 → 40" and "≥20 → 80" give 80 for 25); a ``per_unit`` band multiplies its weight by the
value (e.g. −30 per returned transfer). The typology score is the sum; it is compared with the
check's ``watch`` and ``alert`` thresholds. A feature whose value is unknown (None, e.g. a sum
when only chat records exist) matches no band.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from pydantic import BaseModel, ConfigDict, Field, model_validator

from hongxian.detect.base import Params
from hongxian.schema import SEVERITIES


class Band(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    feature: str
    ge: float | None = None
    lt: float | None = None
    weight: float
    per_unit: bool = False
    reason: str = Field(description="中文理由，可引用 {value} 及其他特征名，如 {n_cp}")

    def matches(self, value: float) -> bool:
        return (self.ge is None or value >= self.ge) and (self.lt is None or value < self.lt)


class ScoredParams(Params):
    """Thresholds and bands every payment typology check carries in its YAML params."""

    watch: float = Field(gt=0)
    alert: float = Field(gt=0)
    bands: list[Band] = Field(min_length=1)
    gate: list[str] = Field(
        default_factory=list, description="如非空：其中至少一个特征大于 0 才可能产生线索（如必须有结算证据）"
    )
    watch_severity: str = "low"

    @model_validator(mode="after")
    def _thresholds(self):
        if self.watch > self.alert:
            raise ValueError("watch 阈值不能高于 alert 阈值")
        if self.watch_severity not in SEVERITIES:
            raise ValueError(f"watch_severity 应为 {SEVERITIES}")
        return self


@dataclass(frozen=True)
class Hit:
    feature: str
    value: float
    weight: float
    reason: str


@dataclass
class Scorecard:
    hits: list[Hit] = field(default_factory=list)
    total: float = 0.0
    level: str = "none"  # none | watch | alert

    @property
    def fired(self) -> bool:
        return self.level != "none"

    def reasons(self) -> str:
        return "；".join(f"{h.reason}（{h.weight:+g}）" for h in self.hits)

    def severity(self, check_severity: str, params: ScoredParams) -> str:
        return check_severity if self.level == "alert" else params.watch_severity

    def score01(self, params: ScoredParams) -> float:
        """Finding score in [0, 1]: 0.5 at the alert threshold, 1.0 at twice the threshold."""
        return max(0.0, min(1.0, 0.5 * self.total / params.alert))


def _fmt(value: float) -> str:
    if value is None:
        return "未知"
    if float(value).is_integer():
        return f"{int(value):,}"
    return f"{value:,.2f}"


def _reason(template: str, value: float, features: dict) -> str:
    values = {
        k: _fmt(v) if isinstance(v, int | float) else (v if v is not None else "未知")
        for k, v in features.items()
    }
    try:
        return template.format(value=_fmt(value), **values)
    except (KeyError, IndexError, ValueError):
        return template


def score(features: dict[str, float | None], params: ScoredParams) -> Scorecard:
    """Apply the bands to the features; level ``none`` when a gate feature is missing."""
    card = Scorecard()
    if params.gate and not any((features.get(g) or 0) > 0 for g in params.gate):
        return card
    best: dict[str, tuple[Band, float, float]] = {}
    for band in params.bands:
        value = features.get(band.feature)
        if value is None or not band.matches(float(value)):
            continue
        weight = band.weight * float(value) if band.per_unit else band.weight
        if weight == 0:
            continue
        key = band.feature + ("#unit" if band.per_unit else "")
        if key not in best or weight > best[key][1]:
            best[key] = (band, weight, float(value))
    for band, weight, value in best.values():
        card.hits.append(Hit(band.feature, value, weight, _reason(band.reason, value, features)))
    card.total = sum(h.weight for h in card.hits)
    if card.total >= params.alert:
        card.level = "alert"
    elif card.total >= params.watch:
        card.level = "watch"
    return card
