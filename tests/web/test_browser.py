"""The web UI in a real browser: Playwright for Python driving the Debian chromium (headless)
against a uvicorn server on a loopback port. No browser download: `executable_path` is the system one.

The findings-page screenshot is kept at build/screenshots/findings-page.png (gitignored).
"""

from __future__ import annotations

import re
import shutil
from io import BytesIO
from pathlib import Path

import pytest
from PIL import Image, ImageChops, ImageStat

from hongxian.review import INVESTIGATOR
from tests.store.backends import PASSWORDS
from tests.web.liveserver import CHROMIUM_ARGS, chromium_path, serve
from tests.web.webcase import ROLE_USERS, WebCase, build_case

pytestmark = pytest.mark.browser
ROOT = Path(__file__).resolve().parents[2]
SCREENSHOT = ROOT / "build" / "screenshots" / "findings-page.png"


@pytest.fixture(scope="module")
def live(tmp_path_factory) -> tuple[WebCase, str]:
    web = build_case(tmp_path_factory.mktemp("browser"))
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
    context = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900})
    pg = context.new_page()
    pg.set_default_timeout(15000)
    yield pg
    context.close()


def _login(page, url: str, role: str) -> None:
    page.goto(f"{url}/findings")
    assert page.url.startswith(f"{url}/login")
    page.fill("input[name=username]", ROLE_USERS[role])
    page.fill("input[name=password]", PASSWORDS[role])
    page.click("button[type=submit]")
    page.wait_for_url(f"{url}/findings")


def _glyph(page, char: str) -> Image.Image:
    """A screenshot of one character rendered in the app's font stack."""
    page.evaluate(
        """(c) => {
        let el = document.getElementById('glyph-probe');
        if (!el) { el = document.createElement('span'); el.id = 'glyph-probe';
                   el.style.cssText = 'font-size:64px;line-height:1;display:inline-block;'
                                    + 'background:#fff;color:#000';
                   document.body.prepend(el); }
        el.textContent = c; }""",
        char,
    )
    return Image.open(BytesIO(page.locator("#glyph-probe").screenshot())).convert("L")


def _differs(a: Image.Image, b: Image.Image) -> bool:
    if a.size != b.size:
        return True
    return ImageChops.difference(a, b).getbbox() is not None


def test_login_filter_open_confirm_and_audit(live, page) -> None:
    web, url = live
    _login(page, url, INVESTIGATOR)
    assert page.locator("h1").inner_text() == "线索审查"
    assert page.locator("table.queue tbody tr").count() == 7
    page.select_option("select[name=category]", "integrity.gift_money")
    page.select_option("select[name=severity]", "high")
    page.click("form#filters button[type=submit]")
    page.wait_for_url("**/findings?category=integrity.gift_money&severity=high*")
    rows = page.locator("table.queue tbody tr")
    assert rows.count() == 1 and page.locator("#total").inner_text() == "1"
    rows.first.locator("td.title a").click()
    # The queue link carries the filtered queue as ?back=, so the page can lead back to it.
    page.wait_for_url(re.compile(re.escape(f"{url}/findings/f-000001?back=") + ".*"))
    assert page.locator("h1.finding-title").inner_text() == "收受管理服务对象红包"
    assert page.locator("mark.hit").count() >= 1
    assert "第九十七条" in page.locator("body").inner_text()
    page.check("input[name=status][value=confirmed]")
    page.fill("textarea[name=reason]", "收受红包属实")
    page.click("form.decide button[type=submit]")
    page.wait_for_url(re.compile(re.escape(f"{url}/findings/f-000001?saved=1") + ".*"))
    assert page.locator(".flash.ok").inner_text() == "审查结论已保存"
    assert page.locator("#current-status").inner_text() == "确认"
    assert web.service.get_finding(web.users[INVESTIGATOR], "f-000001").status == "confirmed"
    page.click("nav >> text=审计日志")
    page.wait_for_url(f"{url}/audit")
    assert "哈希链校验通过" in page.locator("#verify").inner_text()
    entry = page.locator("table.audit tbody tr.act-decide").first
    text = entry.inner_text()
    assert "作出结论" in text and "finding:f-000001" in text and ROLE_USERS[INVESTIGATOR] in text
    assert "收受红包属实" in text


def test_findings_page_screenshot_renders_chinese(live, page, tmp_path) -> None:
    _web, url = live
    _login(page, url, INVESTIGATOR)
    shot = tmp_path / "findings-page.png"
    page.screenshot(path=str(shot), full_page=True)
    SCREENSHOT.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(shot, SCREENSHOT)
    visible = page.locator("body").inner_text()
    for heading in ("线索审查", "案件概览", "严重程度", "审查状态", "收受管理服务对象红包"):
        assert heading in visible
    image = Image.open(shot).convert("L")
    assert image.width >= 1200 and image.height >= 600
    stat = ImageStat.Stat(image)
    assert stat.stddev[0] > 20, "the screenshot is (nearly) blank"
    assert sum(1 for n in image.histogram() if n) > 30, "the screenshot has too few tones to be a page"
    # CJK glyphs render (not tofu): distinct characters give distinct, inked bitmaps (without a
    # CJK font every one of them falls back to the same missing-glyph box).
    glyphs = [_glyph(page, c) for c in ("线", "索", "审", "查")]
    for g in glyphs:
        assert ImageStat.Stat(g).stddev[0] > 10, "a CJK glyph rendered blank"
    assert all(_differs(a, b) for i, a in enumerate(glyphs) for b in glyphs[i + 1 :]), (
        "CJK glyphs look like tofu"
    )
