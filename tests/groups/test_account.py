"""governance.account: cue finding, registration, declarations in chats."""

from __future__ import annotations

import pytest

from hongxian.dataset.dataset import Dataset
from hongxian.detect.groups.account import AccountParams, CueFinder
from tests.groups.conftest import screen
from tests.groups.rows import msg, person

CUES = CueFinder(AccountParams())


@pytest.mark.parametrize(
    ("text", "units", "posts"),
    [
        ("某县财政局张局长", ["某县财政局"], ["局长"]),
        ("今晚饭局", [], []),
        ("张局", ["张局"], []),
        ("市政府办公室李主任", ["市政府"], ["主任"]),
        ("阳光灿烂", [], []),
    ],
)
def test_cues(text, units, posts):
    found_units, found_posts, _ = CUES.scan(text)
    assert found_units == units and found_posts == posts


def run(rulebook, registry, **tables):
    return screen(Dataset.from_rows(**tables), rulebook, registry, "governance.account")


def test_registered_by_alias_passes(rulebook, registry):
    accounts = [
        {"account_id": "wxid_a", "platform": "wechat", "alias": "czj_fabu", "nickname": "某县财政局发布"}
    ]
    register = [{"account": "czj_fabu", "platform": "微信"}]
    assert run(rulebook, registry, accounts=accounts, account_register=register) == []
    (f,) = run(rulebook, registry, accounts=accounts, account_register=[{"account": "other"}])
    assert "昵称含“某县财政局”“发布”" in f.explanation and f.subject.id == "wxid_a"


def test_post_only_nickname_needs_an_official(rulebook, registry):
    accounts = [{"account_id": "wxid_o1", "platform": "wechat", "nickname": "王主任"}]
    assert run(rulebook, registry, accounts=accounts) == []
    official = [person("O1", "王某", "某县住建局", position="主任")]
    (f,) = run(rulebook, registry, accounts=accounts, people=official)
    assert "对应人员：王某（某县住建局，主任）" in f.explanation


def test_declaration_in_a_private_chat(rulebook, registry):
    m = msg(1, "wxid_k", "2023-08-01T10:00:00", "你好，我是某县住建局局长，审批的事直接找我。", room="wxid_k")
    m["is_group"] = False
    (f,) = run(rulebook, registry, messages=[m])
    assert "在聊天中 1 次自称职务身份（2023-08-01 首次：“我是某县住建局局长”）" in f.explanation
    ev = next(e for e in f.evidence if e.table == "messages")
    s, t = ev.spans[0]
    assert ev.excerpt[s:t] == "我是某县住建局局长"


def test_declaration_without_a_post_is_not_a_capacity(rulebook, registry):
    m = msg(1, "wxid_k", "2023-08-01T10:00:00", "我是说住建局那边还没回话。")
    assert run(rulebook, registry, messages=[m]) == []
