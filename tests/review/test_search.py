"""Free-text search through the bigram index: same answers as a plain substring test of the masked
search text, for 1-, 2- and 3+-character Chinese and ASCII terms; clear excerpts never searchable;
the index follows re-screening; the migration fills it for older stores."""

from __future__ import annotations

import pytest
from alembic import command
from sqlalchemy import select

from hongxian.review import REVIEWER, FindingFilter, ReviewService, queries, textsearch
from hongxian.review.rowdata import search_text
from hongxian.store import search_exact, search_index
from hongxian.store.engine import _alembic_config
from hongxian.store.models import SearchGramRow
from tests.review.factory import make_finding

EXCERPTS = [
    "扫雷 100 元 5 包，踩雷翻倍",
    "节日快乐，一点心意[红包]",
    "内部文件，勿外传",
    "老乡会周六聚餐 WeChat-Pay 转账",
    "手机 138****5678",
    "代购面膜，需要的私聊 QQ群 88",
    "雷",
    "拉票：请支持老张",
    "红包😀拿好 P00123",
]
TERMS = [
    "雷",
    "包",
    "张",
    "q",
    "8",
    "*",
    "，",  # one character (a lone "雷" excerpt ends a text part)
    "扫雷",
    "红包",
    "老张",
    "qq",
    "88",
    "5 ",  # two
    "一点心意",
    "内部文件",
    "5678",
    "内部文件，勿外传",
    "wechat-pay",
    "WeChat",
    "138****5678",
    "100 元",
    "gift.red",
    "扫雷 100 元 5 包",
    "张某某",
    "p002",  # title/check/subject fields are searchable too
    "😀",
    "包😀",
    "包😀拿",
    "😀拿好",
    "p00123",
    "00123",  # outside the BMP (no trigram); digits
    "13812345678",
    "1234",
    "扫雷x",
    "心意红包",
    "100%",
    "雷雷",
    "zz",  # nothing
]


def _findings(shift: int = 0) -> list:
    out = []
    for i in range(40):
        ex = EXCERPTS[(i + shift) % len(EXCERPTS)]
        out.append(
            make_finding(
                i,
                excerpt=ex,
                person=f"P{i % 5:03d}",
                name="张某某" if i % 3 == 0 else "李某",
                evidence=[f"pay-{i}-0", f"pay-{i}-1"] if i % 4 == 0 else None,
                check="gift.red-packet" if i % 2 else "gambling.mine-sweeper",
                category="integrity.gift_money" if i % 2 else "integrity.gambling",
            )
        )
    return out


def _clear(findings) -> dict:
    """Clear excerpts for the masked phone numbers (as an importer with the raw data would pass)."""
    return {
        (f.finding_id, e.table, e.id): e.excerpt.replace("138****5678", "13812345678")
        for f in findings
        for e in f.evidence
        if "****" in (e.excerpt or "")
    }


def _expected(findings, term: str) -> set[str]:
    needle = term.strip().lower()
    return {f.finding_id for f in findings if needle in search_text(f)}


def _found(service: ReviewService, user, term: str, **kw) -> set[str]:
    page = service.list_findings(user, FindingFilter(q=term, **kw), per_page=500)
    ids = {r.finding_id for r in page.items}
    assert page.total == len(ids)
    return ids


@pytest.fixture(params=[64, 3], ids=["buckets", "exact-lists"])
def exact_min(request, monkeypatch) -> int:
    """64 (the default): no 3/4-gram is that common in these small cases, every longer term is
    verified; 3: the common ones get exact lists (store/search_exact.py)."""
    monkeypatch.setattr(search_exact, "EXACT_MIN", request.param)
    return request.param


def test_terms_match_substring_semantics(service: ReviewService, users, exact_min: int) -> None:
    findings = _findings()
    service.record_run(findings, "rb", {}, {}, clear_excerpts=_clear(findings))
    rev = users[REVIEWER]
    for term in TERMS:
        assert _found(service, rev, term) == _expected(findings, term), term
    assert _found(service, rev, "扫雷") and _found(service, rev, "1234") == set()
    assert _found(service, rev, "13812345678") == set()  # the clear excerpt is stored, never searchable
    gambling = {f.finding_id for f in findings if f.category == "integrity.gambling"}
    assert _found(service, rev, "雷", category="integrity.gambling") == _expected(findings, "雷") & gambling
    assert _found(service, rev, "  ") == {f.finding_id for f in findings}  # blank = no filter
    ordered = service.list_findings(rev, FindingFilter(q="红包"), sort="score", per_page=3, page=2)
    assert ordered.total == len(_expected(findings, "红包")) and len(ordered.items) == 3


def test_index_follows_rescreening(service: ReviewService, users, exact_min: int) -> None:
    rev = users[REVIEWER]
    service.record_run(_findings(), "rb", {}, {})
    changed = _findings(shift=3)  # same fingerprints, other excerpts
    summary = service.record_run(changed, "rb", {}, {})
    assert summary.updated + summary.reopened > 0
    for term in ("扫雷", "雷", "内部文件", "部文件", "qq", "wechat-pay", "老张", "一点心意"):
        assert _found(service, rev, term) == _expected(changed, term), term
    with service.store.read() as s:
        m = search_index.match(s, "T-001", "内部文件")
    assert (len(m.sure) > 0) == (exact_min == 3)  # the common phrase: an exact list, nothing to verify
    assert not len(m.maybe) or exact_min == 64


@pytest.mark.parametrize("pks", [[1, 2, 16383], [3, 16384, 16385, 40000, 70001]])
def test_posting_blocks(service: ReviewService, pks: list[int]) -> None:
    """Posting lists across blocks of 16,384 keys, updates that add and remove bigrams."""
    texts = {pk: f"第{k}条 扫雷{'红包' if k % 2 else ''}" for k, pk in enumerate(pks)}
    with service.store.write() as s:
        search_index.update(s, "T-001", [(pk, None, t) for pk, t in texts.items()])
    with service.store.read() as s:
        assert search_index.match(s, "T-001", "扫雷").sure.tolist() == pks
        assert search_index.match(s, "T-001", "红").sure.tolist() == pks[1::2]
        for longer in ("雷红包", "扫雷红包", "条 扫雷红"):  # candidates (hashed 3/4-grams), then verified
            m = search_index.match(s, "T-001", longer)
            assert not len(m.sure) and set(m.maybe.tolist()) >= set(pks[1::2])
    with service.store.write() as s:  # the first finding loses 扫雷, the last gains 红包
        search_index.update(
            s, "T-001", [(pks[0], texts[pks[0]], "已更正"), (pks[-1], texts[pks[-1]], "红包")]
        )
    with service.store.read() as s:
        assert search_index.match(s, "T-001", "扫雷").sure.tolist() == pks[1:-1]
        assert search_index.match(s, "T-001", "红包").sure.tolist() == sorted(set(pks[1::2]) | {pks[-1]})
        assert search_index.match(s, "T-001", "更").sure.tolist() == [pks[0]]
        assert search_index.match(s, "T-002", "扫雷").sure.tolist() == []  # per case


def test_migration_builds_index_for_older_stores(service: ReviewService, users) -> None:
    findings = _findings()
    service.record_run(findings, "rb", {}, {})
    with service.store.engine.connect() as conn:
        conn = conn.execution_options(hx_write=True)
        command.downgrade(_alembic_config(conn), "0001")  # a store as written before the index existed
        conn.commit()
    with service.store.engine.connect() as conn:
        conn = conn.execution_options(hx_write=True)
        command.upgrade(_alembic_config(conn), "head")
        conn.commit()
    with service.store.read() as s:
        assert s.scalar(select(SearchGramRow.n).limit(1))
    assert service.stats(users[REVIEWER]).total == len(findings)  # counters refilled
    for term in ("扫雷", "雷", "一点心意", "qq"):
        assert _found(service, users[REVIEWER], term) == _expected(findings, term), term


def test_large_match_plans_agree(service: ReviewService, users, monkeypatch) -> None:
    """Dense matches take other plans (picked out of the sort order; verified in one scan) than
    sparse ones (read by primary key): forced one way then the other, the pages are the same."""
    findings = _findings()
    service.record_run(findings, "rb", {}, {})
    rev = users[REVIEWER]
    service.suppress(rev, "gift.red-packet", "另案处理", days=2, subject_kind="person", subject_id="P001")
    filters = [FindingFilter(q=t) for t in ("雷", "红包", "一点心意", "😀拿好", "p00123")]
    filters += [
        FindingFilter(q="红包", category="integrity.gift_money"),
        FindingFilter(q="包", status="待审"),
        FindingFilter(q="包", include_suppressed=True),
        FindingFilter(q="张", person="P002"),
    ]
    sorts = ("severity", "newest", "check")

    def pages() -> list:
        return [
            (p.total, [r.finding_id for r in p.items])
            for flt in filters
            for sort in sorts
            for p in (service.list_findings(rev, flt, sort=sort, per_page=4, page=n) for n in (1, 3))
        ]

    monkeypatch.setattr(queries, "WALK_RATIO", 0)  # read every match by primary key
    expected = pages()
    assert any(total for total, _ in expected)
    monkeypatch.setattr(queries, "WALK_RATIO", 10**9)  # pick the matches out of the index order
    monkeypatch.setattr(textsearch, "SCAN_VERIFY", 0)  # verify during one scan
    assert pages() == expected
