"""A finding's page draws its subject's charts with the dossier page's code: the money timeline of the
subject's (de-duplicated) payments and, for an association finding, the member network of the group."""

from __future__ import annotations

import re

import pytest

from hongxian.review import ADMIN, REVIEWER
from tests.web.evidencecase import association_finding, build_evidence_case
from tests.web.webcase import login


@pytest.fixture
def ev(tmp_path):
    web = build_evidence_case(tmp_path, extra=[association_finding()])
    yield web
    web.service.store.dispose()


def _svg(page: str, cls: str) -> str:
    m = re.search(rf'<svg class="chart {cls}".*?</svg>', page, re.S)
    return m.group(0) if m else ""


def test_finding_page_shows_the_subjects_money_timeline(ev) -> None:
    c = ev.client()
    login(c, REVIEWER)
    page = c.get("/findings/f-000003").text  # the group red packets; 张三's dossier also has 收入
    timeline = _svg(page, "money-timeline")
    assert timeline == _svg(c.get("/dossiers/P001").text, "money-timeline")  # the dossier's chart
    assert timeline.count('class="bar"') == 2
    assert "2024-02 收入 1,000.00 元" in timeline and "2024-02 支出 2,800.00 元" in timeline
    assert 'id="finding-network"' not in page  # a person: no member network


def test_association_finding_shows_the_member_network(ev) -> None:
    c = ev.client()
    login(c, REVIEWER)
    page = c.get("/findings/f-000005").text
    network = _svg(page, "member-network")
    assert network.count('class="member"') == 2  # 张三, 李四; m-1's sender is 张三 again
    assert "<title>张三</title>" in network and "<title>李四</title>" in network
    assert "古云村党总支部" in network
    assert 'id="finding-chart"' not in page  # no payments among the group's evidence


def test_charts_on_a_finding_page_are_not_a_second_audited_view(ev) -> None:
    c = ev.client()
    login(c, REVIEWER)
    c.get("/findings/f-000003")
    user = ev.users[ADMIN]
    targets = [e.target for e in ev.service.audit_entries(user).items if e.action == "view"]
    assert "finding:f-000003" in targets and not any(t.startswith("dossier:") for t in targets)
