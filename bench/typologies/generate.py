"""Generate a synthetic organisation's payments with labelled typology instances (Parquet).

Output folder: ``payments_inj.parquet`` (injected positives and hard negatives),
``bg_simple.parquet`` / ``bg_group.parquet`` (ordinary activity), ``people`` / ``relations`` /
``events`` / ``group_members`` / ``messages`` / ``labels`` ``.parquet`` and ``meta.json``.
"""

from __future__ import annotations

import json
import random
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
from background import write_background
from inject import Book, p1, p1_negative, p2, p2_negative
from inject_games import p3_memo, p3_minesweeper, p3_negative, p4, p4_negative, p4_personal, p5, p5_negative
from org import build_org

from hongxian.canonical import SCHEMAS, table_from_rows

POPULATION = 200_000
ORG_SCALE = 10


def _scale(k: int) -> dict[str, int]:
    """Units and instance counts of an organisation of scale ``k`` (1–10; 10 is a few hundred
    instances). The organisation does not depend on the row count (issue 18): 1M, 3M and 10M rows
    are the same people and the same instances, only busier."""
    return {
        "units": 60 * k,
        "p1": 25 * k,
        "p2": 10 * k,
        "p3": 8 * k,
        "p3m": 5 * k,
        "p4": 20 * k,
        "p4w": 5 * k,
        "p5": 15 * k,
        "neg": 20 * k,
    }


class Pool:
    """Officials drawn without replacement, so that positives and hard negatives of different
    typologies never share an official (a label of one typology must not look like a miss of another)."""

    def __init__(self, rng: random.Random, people: list[str]):
        self.rng, self.left = rng, list(people)
        rng.shuffle(self.left)

    def take(self, n: int = 1, among: set[str] | None = None) -> list[str]:
        picked = [p for p in self.left if among is None or p in among][:n]
        if len(picked) < n:
            raise ValueError("组织规模太小，无法为每个实例分配不同的公职人员")
        self.left = [p for p in self.left if p not in set(picked)]
        return picked


def _inject(org, book: Book, n: dict[str, int]) -> None:
    """Typologies tied to a role (served officials, unit heads) first, then the others, always in
    the same order (the draws from ``book.rng`` and the pool depend on it)."""
    pool = Pool(book.rng, org.officials)
    _inject_by_role(org, book, n, pool)
    _inject_any_official(org, book, n, pool)


def _inject_by_role(org, book: Book, n: dict[str, int], pool: Pool) -> None:
    servers, heads = set(org.served), set(org.heads)
    for i, o in enumerate(pool.take(n["p1"], servers)):
        p1(org, book, o, i)
    for o in pool.take(n["neg"], servers):
        p1_negative(org, book, o)
    for i, o in enumerate(pool.take(n["p4"], heads)):
        p4(org, book, o, i)
    for o in pool.take(n["neg"], heads):
        p4_negative(org, book, o)


def _inject_any_official(org, book: Book, n: dict[str, int], pool: Pool) -> None:
    rng = book.rng
    for i, o in enumerate(pool.take(n["p2"])):
        p2(org, book, o, i)
    for o in pool.take(n["neg"]):
        p2_negative(org, book, o)
    for i in range(n["p3"]):
        p3_minesweeper(org, book, pool.take(rng.randint(1, 3)), i, banker_official=i % 4 == 0)
    for i, o in enumerate(pool.take(n["p3m"])):
        p3_memo(org, book, o, i)
    for o in pool.take(n["neg"]):
        p3_negative(org, book, o)
    for i, o in enumerate(pool.take(n["p4w"])):
        p4_personal(org, book, o, i)
    for i, o in enumerate(pool.take(n["p5"])):
        p5(org, book, o, i)
    for o in pool.take(n["neg"]):
        p5_negative(org, book, o)


def _write(out: Path, name: str, rows: list[dict]) -> None:
    if name in SCHEMAS:
        pq.write_table(table_from_rows(name, rows), out / f"{name}.parquet")
    else:
        pq.write_table(pa.Table.from_pylist(rows), out / f"{name}.parquet")


def generate(
    out: Path, rows: int, seed: int = 7, population: int = POPULATION, org_scale: int = ORG_SCALE
) -> dict:
    out.mkdir(parents=True, exist_ok=True)
    rng = random.Random(seed)
    n = _scale(org_scale)
    org = build_org(rng, n["units"], population)
    book = Book(rng)
    _inject(org, book, n)
    pq.write_table(table_from_rows("payments", book.payments), out / "payments_inj.parquet")
    for name, data in (
        ("people", org.people),
        ("relations", org.relations),
        ("events", org.events),
        ("group_members", org.group_members),
        ("messages", book.messages),
        ("labels", book.labels),
    ):
        _write(out, name, data)
    background = write_background(
        str(out), max(0, rows - len(book.payments)), population, org.officials, seed
    )
    meta = {
        "rows": rows,
        "seed": seed,
        "population": population,
        "org_scale": org_scale,
        "injected_rows": len(book.payments),
        "background_rows": background,
        "total_rows": background + len(book.payments),
        "people": len(org.people),
        "officials": len(org.officials),
        "instances": len({x["instance"] for x in book.labels}),
        **n,
    }
    (out / "meta.json").write_text(json.dumps(meta, ensure_ascii=False, indent=1), encoding="utf-8")
    return meta
