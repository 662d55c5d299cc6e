"""The typology benchmark's generator (bench/typologies, issue 18) at a small size: the activity is
heavy-tailed, and two row counts are the same organisation and population, only busier."""

from __future__ import annotations

import sys
from pathlib import Path

import pyarrow.parquet as pq
import pytest

BENCH = Path(__file__).resolve().parents[2] / "bench" / "typologies"


@pytest.fixture(scope="module")
def bench_modules():
    sys.path.insert(0, str(BENCH))
    try:
        import generate
        import skew

        yield generate, skew
    finally:
        sys.path.remove(str(BENCH))


@pytest.fixture(scope="module")
def two_sizes(tmp_path_factory, bench_modules):
    generate, _ = bench_modules
    root = tmp_path_factory.mktemp("typologies")
    small, large = root / "small", root / "large"
    generate.generate(small, 40_000, seed=3, population=4_000, org_scale=1)
    generate.generate(large, 120_000, seed=3, population=4_000, org_scale=1)
    return small, large


def test_activity_is_heavy_tailed(two_sizes, bench_modules):
    _, skew = bench_modules
    for folder in two_sizes:
        s = skew.measure(folder)
        assert s["person"]["top1pct_share"] >= 0.10, s
        assert s["merchant"]["top1pct_share"] >= 0.10, s
        # the busiest account carries far more than a uniform draw would give it
        mean = 2 * s["payments"] / s["person"]["accounts"]
        assert s["person"]["max"] > 20 * mean, s
        assert s["max_group_packets"] > 20 * s["payments"] / 6 / 4 / s["groups"], s


def test_organisation_is_fixed_while_rows_grow(two_sizes, bench_modules):
    _, skew = bench_modules
    small, large = two_sizes
    for name in ("people", "relations", "events", "group_members", "labels", "payments_inj"):
        assert pq.read_table(small / f"{name}.parquet").equals(pq.read_table(large / f"{name}.parquet")), name
    a, b = skew.measure(small), skew.measure(large)
    assert b["payments"] == pytest.approx(3 * a["payments"], rel=0.01)
    # same population: the busiest accounts are the same people, about three times as busy
    assert set(skew.top_accounts(small, 3)) == set(skew.top_accounts(large, 3))
    assert b["person"]["max"] == pytest.approx(3 * a["person"]["max"], rel=0.25)
    people = pq.read_table(small / "people.parquet").num_rows
    assert b["person"]["accounts"] <= 4_000 + people
