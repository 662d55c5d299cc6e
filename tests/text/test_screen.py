"""screen_dataset / screen_case: every detector with data, skips with reasons, schema-valid findings."""

from __future__ import annotations

import json

import jsonschema

from hongxian.schema import Evidence, Finding, RuleRef, Subject
from hongxian.screen import merge_findings, order_findings, screen_dataset, write_findings
from tests.text.helpers import GROUP, dataset, msg

GOOD_ID = "640104199003071236"


def _validate(findings, schema, tmp_path):
    path = tmp_path / "findings.jsonl"
    write_findings(findings, path)
    validator = jsonschema.Draft202012Validator(schema, format_checker=jsonschema.FormatChecker())
    lines = path.read_text(encoding="utf-8").splitlines()
    for line in lines:
        validator.validate(json.loads(line))
    return lines


def test_screen_dataset_findings_are_schema_valid(rulebook, registry, findings_schema, tmp_path):
    rows = [
        msg(1, None, kind="file", file_name="机密★5年 年度审计报告.pdf"),
        msg(2, f"他身份证号{GOOD_ID}"),
        msg(3, "本群玩扫雷，中雷赔1.8倍，上分找群主"),
        msg(4, "换届选举快到了，请大家多多支持，投我一票"),
        msg(5, "香港代购面膜，原价200现价99，包邮"),
        msg(6, "收到"),
    ]
    ds = dataset(rows, groups=[{"group_id": GROUP, "name": "测试群"}])
    result = screen_dataset(ds, rulebook, registry)
    cats = {f.category for f in result.findings}
    assert {
        "secrecy.leak",
        "privacy.disclosure",
        "integrity.gambling",
        "integrity.vote_buying",
        "integrity.commerce",
    } <= cats
    lines = _validate(result.findings, findings_schema, tmp_path)
    assert len(lines) == len(result.findings)
    assert GOOD_ID not in "\n".join(lines)
    assert result.rulebook_version == rulebook.version
    reasons = dict(result.skipped)
    assert any("支付记录" in r for r in reasons.values())
    assert result.findings[0].severity in ("critical", "high")


def test_merge_same_finding_id():
    def finding(eid: str, sev: str) -> Finding:
        return Finding(
            finding_id="f-1",
            check_id="c",
            category="secrecy.leak",
            severity=sev,
            score=0.5,
            title="t",
            subject=Subject(kind="account", id="a"),
            evidence=[Evidence(table="messages", id=eid)],
            rule_refs=[RuleRef(code="x", article="第一条")],
            explanation="e",
        )

    (merged,) = merge_findings([finding("m1", "medium"), finding("m2", "high"), finding("m1", "low")])
    assert [e.id for e in merged.evidence] == ["m1", "m2"] and merged.severity == "high"


def test_report_order_does_not_depend_on_the_order_findings_arrive():
    """Findings tied on severity, category, check, score and subject (one person, several windows)
    come out in finding-id order whatever order the detectors produced them in."""

    def finding(fid: str) -> Finding:
        return Finding(
            finding_id=fid,
            check_id="gift.served-party",
            category="integrity.gift_money",
            severity="high",
            score=0.8,
            title="t",
            subject=Subject(kind="person", id="P001"),
            evidence=[Evidence(table="payments", id=f"p-{fid}")],
            rule_refs=[RuleRef(code="x", article="第一条")],
            explanation="e",
        )

    ids = ["f-c", "f-a", "f-d", "f-b"]
    orders = {
        tuple(f.finding_id for f in order_findings([finding(i) for i in perm]))
        for perm in (ids, ids[::-1], sorted(ids), ids[1:] + ids[:1])
    }
    assert orders == {("f-a", "f-b", "f-c", "f-d")}


def test_scope_keeps_whole_days_in_china_time():
    from datetime import date

    from hongxian.screen import apply_scope
    from tests.text.helpers import ts

    rows = [msg(1, "a", day="2020-01-31"), msg(2, "b", day="2020-02-01"), msg(3, "c", day="2020-02-29")]
    rows[2]["ts"] = ts("2020-02-29", "23:59")
    scoped = apply_scope(dataset(rows), date(2020, 2, 1), date(2020, 2, 29))
    assert scoped["messages"].column("message_id").to_pylist() == ["m2", "m3"]
    assert apply_scope(dataset(rows), None, date(2020, 1, 31))["messages"].num_rows == 1
