"""The investigator's workflow in headless Chromium: payment evidence (payer → payee, chat, memo,
source), conversation context expanded, a reveal showing clear text, the dossier.

Screenshots: build/screenshots/{payment-evidence,reveal,dossier,finding-network}.png (gitignored)."""

from __future__ import annotations

from pathlib import Path

import pytest

from hongxian.review import INVESTIGATOR, REVIEWER
from tests.store.backends import PASSWORDS
from tests.web.evidencecase import ID_NO, association_finding, build_evidence_case
from tests.web.liveserver import CHROMIUM_ARGS, chromium_path, serve
from tests.web.webcase import ROLE_USERS

pytestmark = pytest.mark.browser
SHOTS = Path(__file__).resolve().parents[2] / "build" / "screenshots"


@pytest.fixture(scope="module")
def live(tmp_path_factory):
    web = build_evidence_case(tmp_path_factory.mktemp("investigator"), extra=[association_finding()])
    with serve(web.client().app) as url:
        yield web, url
    web.service.store.dispose()


@pytest.fixture(scope="module")
def browser():
    executable = chromium_path()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS, headless=True)
        yield b
        b.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(locale="zh-CN", viewport={"width": 1440, "height": 900})
    pg = context.new_page()
    pg.set_default_timeout(15000)
    yield pg
    context.close()


def _login(page, url: str, role: str) -> None:
    page.goto(f"{url}/login")
    page.fill("input[name=username]", ROLE_USERS[role])
    page.fill("input[name=password]", PASSWORDS[role])
    page.click("button[type=submit]")
    page.wait_for_load_state()


def test_payment_evidence_and_dossier(live, page) -> None:
    web, url = live
    _login(page, url, REVIEWER)
    page.goto(f"{url}/findings/f-000003")
    rows = page.locator("table.evidence tr.ev-payments")
    assert rows.count() == 2
    first = rows.first.inner_text()
    assert "张三 → 群聊“古云村党总支部”（群红包，领取人不详）" in first
    assert "元宵快乐，换届请支持我" in first and "微信支付账单(20240101-20240301).csv" in first
    assert page.locator("#finding-chart svg.money-timeline rect.bar").count() == 2  # the subject's chart
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.locator("table.evidence").screenshot(path=str(SHOTS / "payment-evidence.png"))
    page.click("a.dossier-link")
    page.wait_for_url(f"{url}/dossiers/P001")
    assert "3,800.00 元" in page.locator("#dossier-money").inner_text()
    assert page.locator("svg.money-timeline rect.bar").count() == 2
    assert "共用 5 行证据" in page.locator("#dossier-links").inner_text()
    page.screenshot(path=str(SHOTS / "dossier.png"), full_page=True)


def test_association_finding_draws_the_member_network(live, page) -> None:
    web, url = live
    _login(page, url, REVIEWER)
    page.goto(f"{url}/findings/f-000005")
    network = page.locator("#finding-network svg.member-network")
    assert network.is_visible() and network.locator("circle.member").count() == 2
    names = network.locator("circle.member title").all_text_contents()
    assert sorted(names) == ["张三", "李四"]
    box = network.bounding_box()
    assert box is not None and box["width"] > 200 and box["height"] > 200
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.locator("#finding-network").screenshot(path=str(SHOTS / "finding-network.png"))


def test_context_expands_and_reveal_shows_clear_text(live, page) -> None:
    web, url = live
    _login(page, url, INVESTIGATOR)
    page.goto(f"{url}/findings/f-000004")
    chat = page.locator("details.context ol.chat")
    assert not chat.is_visible()
    page.click("details.context summary")
    assert chat.is_visible() and chat.locator("li").count() == 6
    assert ID_NO not in page.content()
    page.fill("form.reveal input[name=reason]", "核实被泄露人员身份")
    page.click("form.reveal button[type=submit]")
    page.wait_for_load_state()
    assert ID_NO in page.locator("table.evidence .clear").inner_text()
    page.locator("table.evidence").screenshot(path=str(SHOTS / "reveal.png"))
    page.goto(f"{url}/audit")
    audit = page.locator("tr.act-reveal").first.inner_text()
    assert "显示的证据行：messages:m-2" in audit and "理由：核实被泄露人员身份" in audit
