"""发前自检 library: hits with check, rule and article in Chinese, spans on the text as typed."""

from __future__ import annotations

from hongxian.selfcheck import self_check


def test_hits_point_at_the_text_as_typed(checker):
    text = "這是內部資料，不 得 外 傳"
    (hit,) = [h for h in checker.check(text) if h.check_id == "secrecy.unpublished-draft"]
    assert [text[a:b] for a, b in hit.spans] == ["內部資料", "不 得 外 傳"]
    assert hit.category_zh == "泄密" and hit.severity_zh in ("中", "高")
    assert any("第一百四十四条" in line or "第一百二十八条" in line for line in hit.rule_text)
    assert hit.suggestion and "工作群" in hit.suggestion


def test_rules_follow_the_version_in_force(checker):
    from datetime import date

    old = checker.check("听说张建国拟任办公室主任，还没公示，先别外传", on=date(2019, 5, 1))
    new = checker.check("听说张建国拟任办公室主任，还没公示，先别外传", on=date(2024, 5, 1))
    art = {h.check_id: h.rules[0].article for h in old}, {h.check_id: h.rules[0].article for h in new}
    assert art[0]["secrecy.personnel"] == "第一百二十八条" and art[1]["secrecy.personnel"] == "第一百四十四条"


def test_json_form_and_masking(checker):
    (hit,) = checker.check("他的卡号6222021002123456787")
    d = hit.to_json_dict()
    assert d["check_id"] == "privacy.identifiers" and "622202*********6787" in d["excerpt"]
    assert d["rules"][0]["code"].startswith("中华人民共和国个人信息保护法")


def test_clean_message_and_one_call_helper(rulebook, registry):
    assert self_check("明天上午九点开会，请准时参加", rulebook, registry) == []
