"""Triage at scale over HTTP: the way back keeps filters and page, save-and-next, bulk decisions,
sortable columns, page size, the amount column and the person filter by name."""

from __future__ import annotations

import re
from urllib.parse import quote

from hongxian.review import REVIEWER
from tests.review.factory import make_finding
from tests.web.webcase import build_case, csrf_from_page, login


def _case(tmp_path, n: int = 30):
    findings = [
        make_finding(i, person=f"P{i % 3:03d}", name=["张三", "李四", "王五"][i % 3], score=0.5 + i / 1000)
        for i in range(1, n + 1)
    ]
    return build_case(tmp_path, findings=findings)


def _ids(html: str) -> list[str]:
    return re.findall(r'<a class="open" href="/findings/([^"?]+)', html)


def test_back_link_keeps_filters_and_page_and_save_and_next(tmp_path) -> None:
    web = _case(tmp_path)
    c = web.client()
    login(c, REVIEWER)
    queue = "/findings?sort=score&per_page=5&page=2"
    ids = _ids(c.get(queue).text)
    assert len(ids) == 5
    page = c.get(f"/findings/{ids[0]}?back={quote(queue, safe='')}").text
    assert f'href="{queue.replace("&", "&amp;")}" id="back-link"' in page
    assert f"/findings/{ids[1]}?back=" in page  # 下一条
    r = c.post(
        f"/findings/{ids[0]}/decide",
        data={
            "csrf_token": csrf_from_page(page),
            "status": "confirmed",
            "version": str(web.version(ids[0])),
            "back": queue,
            "next_id": ids[1],
            "then": "next",
        },
    )
    assert r.status_code == 303 and r.headers["location"].startswith(f"/findings/{ids[1]}?saved=1&back=")
    last = c.get(f"/findings/{ids[4]}?back={quote(queue, safe='')}").text
    nxt = re.search(r'name="next_id" value="([^"]*)"', last).group(1)
    assert nxt == _ids(c.get("/findings?sort=score&per_page=5&page=3").text)[0]  # over the page break
    assert c.get("/findings/f-000001?back=https://evil.example/").text.count("evil.example") == 0


def test_bulk_decide_amounts_sorting_page_size_and_person_by_name(tmp_path) -> None:
    web = _case(tmp_path)
    c = web.client()
    login(c, REVIEWER)
    html = c.get("/findings?per_page=20").text
    assert len(_ids(html)) == 20 and '<option value="20" selected>' in html
    assert html.count('<td class="num amount">520.00 元</td>') == 20
    assert re.search(r'class="sort" href="/findings\?per_page=20&amp;sort=score"', html)
    assert re.search(r'class="sort" href="/findings\?per_page=20&amp;sort=subject"', html)
    picks = re.findall(r'name="pick" value="([^"]+)"', html)[:3]
    r = c.post(
        "/findings/bulk",
        data={
            "csrf_token": csrf_from_page(html),
            "pick": picks,
            "status": "dismissed",
            "reason": "同一事项重复",
            "back": "/findings",
        },
    )
    assert r.status_code == 303 and "bulk=3" in r.headers["location"]
    assert "已批量处理 3 条线索" in c.get(r.headers["location"]).text
    assert c.get("/findings?status=dismissed").text.count('class="open"') == 3
    by_name = _ids(c.get("/findings?person=李四").text)
    assert by_name and by_name == _ids(c.get("/findings?person=P001").text)
