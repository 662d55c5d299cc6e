"""Per-typology quality of the findings against the generator's labels.

Predicted payments of a typology = the payment evidence of its findings, leaving out context rows
(the official's return gifts, other members' settlements), which the findings mark in ``note``.
Transaction level: precision, recall, F1. Case level: an instance counts as found when at least one
finding of its typology has the instance's official as subject and shares a payment with it.
"""

from __future__ import annotations

import json
from collections import defaultdict
from pathlib import Path

import pyarrow.parquet as pq

TYPOLOGY = {
    "gift-money.served-party-fan-in": "P1",
    "vote-buying.payments-fan-out": "P2",
    "gambling.red-packet-games": "P3",
    "gambling.red-packet-bill-shape": "P3",
    "gift-money.festival": "P4",
    "gift-money.splitting": "P5",
}
CONTEXT_NOTES = ("回礼", "群内其他结算")


def _predicted(findings: list[dict]) -> dict[str, list[tuple[str, set[str]]]]:
    out: dict[str, list[tuple[str, set[str]]]] = defaultdict(list)
    for f in findings:
        t = TYPOLOGY.get(f["check_id"])
        if t is None:
            continue
        ids = {
            e["id"]
            for e in f["evidence"]
            if e["table"] == "payments" and not (e.get("note") or "").startswith(CONTEXT_NOTES)
        }
        out[t].append((f["subject"]["id"], ids))
    return out


def evaluate(findings_path: Path, labels_path: Path) -> dict[str, dict]:
    findings = [json.loads(line) for line in findings_path.read_text(encoding="utf-8").splitlines() if line]
    labels = pq.read_table(labels_path).to_pylist()
    by_type: dict[str, set[str]] = defaultdict(set)
    instances: dict[str, dict[str, tuple[str, set[str]]]] = defaultdict(dict)
    for row in labels:
        by_type[row["typology"]].add(row["payment_id"])
        subject, ids = instances[row["typology"]].setdefault(row["instance"], (row["subject"], set()))
        ids.add(row["payment_id"])
    predicted = _predicted(findings)
    result = {}
    for t in sorted(TYPOLOGY.values()):
        pred = set().union(*(ids for _, ids in predicted.get(t, []))) if predicted.get(t) else set()
        truth = by_type.get(t, set())
        tp = len(pred & truth)
        precision = tp / len(pred) if pred else 0.0
        recall = tp / len(truth) if truth else 0.0
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        found = sum(
            any(s == subj and ids & inst for s, ids in predicted.get(t, []))
            for subj, inst in instances[t].values()
        )
        hit_findings = sum(bool(ids & truth) for _, ids in predicted.get(t, []))
        result[t] = {
            "precision": precision,
            "recall": recall,
            "f1": f1,
            "tp": tp,
            "fp": len(pred) - tp,
            "fn": len(truth) - tp,
            "instances": len(instances[t]),
            "case_recall": found / len(instances[t]) if instances[t] else 0.0,
            "findings": len(predicted.get(t, [])),
            "finding_precision": hit_findings / len(predicted[t]) if predicted.get(t) else 0.0,
        }
    return result


def table(result: dict[str, dict]) -> str:
    lines = ["typology  precision  recall     F1  case-recall  instances  findings  finding-prec  TP/FP/FN"]
    for t, r in result.items():
        lines.append(
            f"{t:<8}  {r['precision']:9.3f}  {r['recall']:6.3f}  {r['f1']:5.3f}  {r['case_recall']:11.3f}"
            f"  {r['instances']:9d}  {r['findings']:8d}  {r['finding_precision']:12.3f}"
            f"  {r['tp']}/{r['fp']}/{r['fn']}"
        )
    return "\n".join(lines)
