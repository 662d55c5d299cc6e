"""A reviewer clears a generated queue of 300 findings in Chromium with the keyboard only: type the
login, open the queue, Enter on the first row, then 2 (确认) + n (保存并下一条) for every finding."""

from __future__ import annotations

import time

import pytest

from hongxian.review import REVIEWER, FindingFilter
from tests.review.factory import make_finding
from tests.store.backends import PASSWORDS
from tests.web.liveserver import CHROMIUM_ARGS, chromium_path, serve
from tests.web.webcase import ROLE_USERS, build_case

pytestmark = [pytest.mark.browser, pytest.mark.slow]
N = 300


@pytest.fixture(scope="module")
def live(tmp_path_factory):
    findings = [make_finding(i, person=f"P{i % 40:03d}", score=0.3 + (i % 70) / 100) for i in range(1, N + 1)]
    web = build_case(tmp_path_factory.mktemp("kbd"), findings=findings)
    with serve(web.client().app) as url:
        yield web, url
    web.service.store.dispose()


def test_keyboard_only_triage_of_300(live) -> None:
    web, url = live
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_ARGS, headless=True)
        page = browser.new_context(locale="zh-CN", viewport={"width": 1440, "height": 900}).new_page()
        page.set_default_timeout(15000)
        page.goto(f"{url}/login")
        page.wait_for_function("document.activeElement && document.activeElement.name === 'username'")
        page.keyboard.type(ROLE_USERS[REVIEWER])
        page.keyboard.press("Tab")
        page.keyboard.type(PASSWORDS[REVIEWER])
        with page.expect_navigation():
            page.keyboard.press("Enter")
        assert "/login" not in page.url, page.content()[-2000:]
        page.goto(f"{url}/findings?status=pending&per_page=50")
        assert "kb-current" in (page.locator("tr.qrow").first.get_attribute("class") or "")
        page.keyboard.press("j")
        page.keyboard.press("k")
        with page.expect_navigation():
            page.keyboard.press("Enter")
        start = time.monotonic()
        for _ in range(N):
            page.keyboard.press("2")
            with page.expect_navigation():
                page.keyboard.press("n")
        elapsed = time.monotonic() - start
        assert "/findings?status=pending" in page.url  # the end of the queue: back to it
        assert "没有符合条件的线索" in page.content()
        browser.close()
    stats = web.service.list_findings(web.users[REVIEWER], None, "severity", 1, 1)
    confirmed = web.service.list_findings(web.users[REVIEWER], FindingFilter(status="confirmed"))
    assert confirmed.total == N == stats.total
    print(f"keyboard triage: {N} findings in {elapsed:.1f} s ({1000 * elapsed / N:.0f} ms per finding)")
