"""Pages show a check by its Chinese title; the id is a small 规则编号 line (detail) or a tooltip (queue),
and the CLI detail prints the title with the id dimmed after it."""

from __future__ import annotations

import re

from rich.console import Console

from hongxian.review import REVIEWER
from hongxian.review.render import print_detail
from tests.web.webcase import login

CHECK = "gift-money.splitting"
TITLE = "化整为零：多次收受 200 元封顶红包"


def test_finding_page_and_queue_show_the_check_title(ev) -> None:
    c = ev.client()
    login(c, REVIEWER)
    page = c.get("/findings/f-000001").text
    assert f'<dd class="check">{TITLE}<br><small class="rule-id"' in page
    assert f"规则编号 {CHECK}</small>" in page
    assert CHECK not in re.sub(r'<small class="rule-id"[^>]*>[^<]*</small>', "", page)
    queue = c.get("/findings").text
    assert f'<span class="check" title="规则编号 {CHECK}">{TITLE}</span>' in queue
    assert CHECK not in re.sub(r'title="规则编号 [^"]*"', "", queue)


def test_cli_detail_prints_the_title_then_the_rule_number(ev) -> None:
    console = Console(record=True, width=200)
    print_detail(console, ev.service.get_finding(ev.users[REVIEWER], "f-000001"))
    text = console.export_text()
    assert f"检查项：{TITLE}  规则编号 {CHECK}" in text
