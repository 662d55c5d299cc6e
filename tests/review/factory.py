"""Build real `Finding` objects (validated by the pydantic contract) and findings.jsonl files."""

from __future__ import annotations

from pathlib import Path

from hongxian.schema import Finding


def make_finding(
    n: int,
    *,
    check: str = "gift.red-packet",
    category: str = "integrity.gift_money",
    severity: str = "high",
    person: str = "P001",
    name: str = "张某某",
    evidence: list[str] | None = None,
    score: float = 0.8,
    title: str = "收受管理服务对象红包",
    explanation: str = "90 天内收到 3 名管理服务对象红包 5 个，合计 2,600 元",
    related: list[str] | None = None,
    excerpt: str = "节日快乐，一点心意[红包] 手机 138****5678",
) -> Finding:
    ids = evidence if evidence is not None else [f"pay-{n}-0"]
    return Finding.model_validate(
        {
            "finding_id": f"f-{n:06d}",
            "check_id": check,
            "category": category,
            "severity": severity,
            "score": score,
            "title": title,
            "subject": {"kind": "person", "id": person, "name": name},
            "window": {"start": "2024-02-09T10:00:00+08:00", "end": "2024-02-12T22:00:00+08:00"},
            "evidence": [
                {
                    "table": "payments",
                    "id": eid,
                    "ts": "2024-02-10T08:00:00+08:00",
                    "excerpt": excerpt,
                    "spans": [[6, 10]],
                    "amount_fen": 52000,
                }
                for eid in ids
            ],
            "rule_refs": [
                {
                    "code": "中国共产党纪律处分条例(2023)",
                    "article": "第九十七条",
                    "title": "收受礼品礼金",
                    "penalties": "情节较轻的，给予警告或者严重警告处分",
                }
            ],
            "explanation": explanation,
            "related": [{"kind": "person", "id": r} for r in (related or [])],
        }
    )


def write_jsonl(path: Path, findings: list[Finding]) -> Path:
    path.write_text("".join(f.model_dump_json(exclude_none=True) + "\n" for f in findings), encoding="utf-8")
    return path
