"""``POST /api/check``: the self-check as JSON, with the same checker as the page and the CLI."""

from __future__ import annotations

from tests.web.webcase import REVIEWER, WebCase, login


def test_api_check_one_text_and_a_batch(web: WebCase, self_checker) -> None:
    client = web.client(self_checker=self_checker)
    csrf = login(client, REVIEWER)
    headers = {"X-CSRF-Token": csrf}
    r = client.post("/api/check", json={"text": "这份讨论稿请勿外传，张三手机13812345678"}, headers=headers)
    assert r.status_code == 200
    ids = {h["check_id"] for h in r.json()["hits"]}
    assert {"secrecy.unpublished-draft", "privacy.identifiers"} <= ids
    assert all("13812345678" not in h["excerpt"] for h in r.json()["hits"])
    items = [{"id": 7, "text": "本群玩扫雷，中雷赔1.8倍"}, {"id": 8, "text": "收到"}, {"id": 9}]
    r = client.post("/api/check", json={"items": items}, headers=headers)
    results = r.json()["results"]
    assert [x.get("id") for x in results[:2]] == [7, 8]
    assert results[0]["hits"][0]["category"] == "integrity.gambling" and results[1]["hits"] == []
    assert results[2] == {"item": 3, "error": '应为 {"text": "…"} 形式的对象'}


def test_api_check_refuses_bad_bodies_and_anonymous_callers(web: WebCase, self_checker) -> None:
    client = web.client(self_checker=self_checker)
    assert client.post("/api/check", json={"text": "x"}).status_code in (401, 403, 303)
    csrf = login(client, REVIEWER)
    headers = {"X-CSRF-Token": csrf}
    r = client.post("/api/check", json={"texts": []}, headers=headers)
    assert r.status_code == 400 and "请求体应为" in r.json()["error"]
    r = client.post("/api/check", json={"text": "字" * 20001}, headers=headers)
    assert r.status_code == 400 and "内容过长" in r.json()["error"]
    assert client.post("/api/check", json={"text": "x"}).status_code == 403  # no CSRF header
