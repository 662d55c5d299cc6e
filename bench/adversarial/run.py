"""Adversarial payment-typology benchmark (issue 19): county case folders in real export formats,
generated without the detectors' definitions (generate.py), ingested through the case-folder
pipeline and screened with the shipped payment checks; prints per-category precision / recall and
the false alarms on hard negatives. Optionally also runs the in-distribution benchmark.

    .venv/bin/python bench/adversarial/run.py                     # 12 cases, seed 19
    .venv/bin/python bench/adversarial/run.py --seed 7 --cases 24
    .venv/bin/python bench/adversarial/run.py --with-typologies   # + bench/typologies --rows 200000

Matching is per case and official: a violation is found when a finding of its category has the
official as subject; every other payment finding is a false alarm (on a hard negative when its
subject carries a negative label).
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from rich.progress import track

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from generate import GAMBLING, GIFT, VOTE, generate  # noqa: E402

from hongxian.case import CasePaths  # noqa: E402
from hongxian.dataset.dataset import Dataset  # noqa: E402
from hongxian.detect import default_registry  # noqa: E402
from hongxian.ingest.pipeline import ingest_case  # noqa: E402
from hongxian.screen import screen_dataset  # noqa: E402
from hongxian.testing.rulebook import subset_rulebook  # noqa: E402

CHECK_FILES = ("gift_money.yaml", "vote_buying_payments.yaml", "gambling_payments.yaml")
CATEGORIES = (GIFT, VOTE, GAMBLING)


def screen_cases(root: Path, labels: list[dict]) -> list[dict]:
    registry = default_registry()
    book = subset_rulebook(registry, CHECK_FILES, Path(tempfile.mkdtemp(prefix="hx-adv-rules-")))
    out = []
    for case in track(sorted({lab["case"] for lab in labels}), description="ingest+screen"):
        report = ingest_case(root / case)
        bad = [(s.path, s.status) for s in report.sources if s.status not in ("ingested", "unchanged")]
        if bad:
            raise SystemExit(f"{case}: sources not ingested: {bad}")
        result = screen_dataset(Dataset.open(CasePaths(root / case).state), book, registry)
        out += [
            {
                "case": case,
                "category": f.category,
                "subject": f.subject.id,
                "check": f.check_id,
                "why": f.explanation,
            }
            for f in result.findings
            if f.category in CATEGORIES
        ]
    return out


def evaluate(labels: list[dict], findings: list[dict]) -> dict:
    found = {(f["case"], f["category"], f["subject"]) for f in findings}
    viol = {
        (lab["case"], lab["category"], lab["official"]): lab for lab in labels if lab["label"] == "violation"
    }
    negs = {(lab["case"], lab["official"]): lab for lab in labels if lab["label"] == "negative"}
    per: dict[str, dict] = {}
    for cat in CATEGORIES:
        v = [k for k in viol if k[1] == cat]
        tp = [k for k in v if k in found]
        fp = [k for k in found if k[1] == cat and k not in viol]
        per[cat] = {
            "violations": len(v),
            "found": len(tp),
            "false_alarms": len(fp),
            "precision": len(tp) / (len(tp) + len(fp)) if tp or fp else None,
            "recall": len(tp) / len(v) if v else None,
            "missed": sorted(viol[k]["kind"] for k in v if k not in found),
            "false_alarm_kinds": sorted(
                negs[(k[0], k[2])]["kind"] if (k[0], k[2]) in negs else "other" for k in fp
            ),
        }
    hard = [k for k in found if (k[0], k[2]) in negs]
    return {"per_category": per, "hard_negatives": len(negs), "hard_negative_false_alarms": len(hard)}


def print_report(res: dict, seconds: float) -> None:
    print(f"\nadversarial benchmark ({seconds:.1f} s)")
    print(f"{'category':24} {'viol':>5} {'found':>6} {'FA':>4} {'precision':>10} {'recall':>7}")
    for cat, r in res["per_category"].items():
        p = "-" if r["precision"] is None else f"{r['precision']:.2f}"
        rc = "-" if r["recall"] is None else f"{r['recall']:.2f}"
        print(f"{cat:24} {r['violations']:>5} {r['found']:>6} {r['false_alarms']:>4} {p:>10} {rc:>7}")
        if r["missed"]:
            print(f"    missed: {', '.join(r['missed'])}")
        if r["false_alarm_kinds"]:
            print(f"    false alarms on: {', '.join(r['false_alarm_kinds'])}")
    print(
        f"hard negatives: {res['hard_negatives']}, false alarms on them: {res['hard_negative_false_alarms']}"
    )


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--cases", type=int, default=12)
    ap.add_argument("--per-case", type=int, default=3)
    ap.add_argument("--negatives", type=int, default=8)
    ap.add_argument("--seed", type=int, default=19)
    ap.add_argument("--out", type=Path, help="keep the case folders and findings here")
    ap.add_argument("--with-typologies", action="store_true", help="also run bench/typologies --rows 200000")
    a = ap.parse_args()
    root = a.out or Path(tempfile.mkdtemp(prefix="hx-adv-"))
    t0 = time.perf_counter()
    labels = generate(root, a.cases, a.per_case, a.negatives, a.seed)
    findings = screen_cases(root, labels)
    res = evaluate(labels, findings)
    (root / "labels.json").write_text(json.dumps(labels, ensure_ascii=False, indent=1), encoding="utf-8")
    (root / "findings.json").write_text(json.dumps(findings, ensure_ascii=False, indent=1), encoding="utf-8")
    print_report(res, time.perf_counter() - t0)
    print(f"case folders, labels.json and findings.json in {root}")
    if a.with_typologies:
        print("\nin-distribution benchmark (bench/typologies, 200,000 payments):")
        subprocess.run(
            [sys.executable, str(HERE.parent / "typologies" / "run.py"), "--rows", "200000"], check=True
        )


if __name__ == "__main__":
    main()
