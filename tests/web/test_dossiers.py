"""Dossiers: a subject's findings in one place, evidence de-duplicated, one money total, links between
findings that share evidence."""

from __future__ import annotations

from hongxian.review import READONLY, REVIEWER
from hongxian.review.casedata import CaseFacts
from hongxian.review.dossier import build_dossiers
from tests.web.evidencecase import evidence_findings
from tests.web.webcase import login


def test_build_dossiers_deduplicates_shared_evidence(ev) -> None:
    found = build_dossiers([(f, "待审") for f in evidence_findings()], CaseFacts.open(ev.case_dir))
    zhang = next(d for d in found if d.key == "P001")
    assert len(zhang.findings) == 3 and len(zhang.rows) == 7 and zhang.citations == 12
    assert zhang.money_fen == 5 * 20000 + 2 * 140000  # each packet once
    assert zhang.cited_money_fen == 2 * 5 * 20000 + 2 * 140000
    assert zhang.money_by_direction() == {"in": 100000, "out": 280000, "unknown": 0}
    assert [(x.a, x.b, x.shared) for x in zhang.links] == [("f-000001", "f-000002", 5)]
    li = next(d for d in found if d.key == "P002")
    assert [f.id for f in li.mentioned] == ["f-000002"]  # named as a related party


def test_dossier_pages(ev) -> None:
    c = ev.client()
    login(c, REVIEWER)
    index = c.get("/dossiers").text
    assert '<a href="/dossiers/P001">张三</a>' in index and '<a href="/dossiers/P002">李四</a>' in index
    page = c.get("/dossiers/P001").text
    assert "3,800.00 元" in page and "去重后 7 行（各线索合计引用 12 次）" in page
    assert "重复计算 1,000.00 元" in page
    assert "共用 5 行证据" in page and page.count("2 条线索共用") == 5
    assert "李四 → 张三" in page and "群聊“古云村党总支部”" in page
    assert c.get("/dossiers/P404").status_code == 404
    assert '/dossiers/P001">查看人员画像' in c.get("/findings/f-000001").text


def test_readonly_has_no_dossiers(ev) -> None:
    c = ev.client()
    login(c, READONLY)
    assert c.get("/dossiers").status_code == 403
    assert c.get("/dossiers/P001").status_code == 403


def test_dossier_charts(ev) -> None:
    from hongxian.schema import Evidence, Subject
    from hongxian.web.svgcharts import member_network, money_timeline

    c = ev.client()
    login(c, REVIEWER)
    page = c.get("/dossiers/P001").text
    assert page.count('class="bar"') == 2 and "2024-02 收入 1,000.00 元" in page
    group = evidence_findings()[0].model_copy(
        update={
            "subject": Subject(kind="group", id="555@chatroom", name="在京老乡精英会"),
            "evidence": [
                Evidence(table="group_members", id=f"555@chatroom/wxid_{i}", excerpt=f"成员{i}")
                for i in range(5)
            ],
        }
    )
    (d,) = build_dossiers([(group, "待审")])
    svg = member_network(d)
    assert svg.count('class="member"') == 5 and "成员3" in svg and "在京老乡精英会" in svg
    assert money_timeline(d) == ""
