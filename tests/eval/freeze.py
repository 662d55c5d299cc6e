"""Score a newly written batch or background set ONCE and freeze it into tests/eval/ (the held-out protocol).

    .venv/bin/python tests/eval/freeze.py NEW_FILE.yaml [--name messages_heldout20.yaml]

A labelled batch (``items`` with labels) is scored with the shipped rulebook and learned scorer and with
the keyword rules alone; the copy written to ``tests/eval/`` gets a header comment with both tables, the
commit it was scored at, ``learn: false`` (scored, not yet learned from) and a ``measured:`` block that
`test_batch_never_falls_below_its_first_out_of_sample_figures` holds from then on. A background set
(``role: background``) gets its false alarms per 1,000 messages (with and without the scorer), ``learn:
false`` and a ``false_alarms_first:`` line that `test_background_never_alarms_more_than_at_its_first_score`
holds.

The destination must not exist: a file is scored once, and then only tuned on.
"""

from __future__ import annotations

import argparse
import math
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from evaluate import CATS, HERE, Item, _yaml, build_checker, evaluate, false_alarms  # noqa: E402


def _commit() -> str:
    out = subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True, cwd=HERE)
    return out.stdout.strip() or "（未知提交）"


def _floor4(x: float) -> float:
    return math.floor(x * 10000) / 10000


def batch_block(items: list[Item], name: str, commit: str) -> str:
    full = evaluate(build_checker(), items)
    rules = evaluate(build_checker(rules_only=True), items)
    lines = [
        "# 冻结之后（以下样本外数字与 measured: 保持原样）：关键词规则与学习型评分器",
        "#   都未据本批调整（tuned: false，故不计入汇总目标）；",
        "#   learn: false：本批已评分、冻结，但尚未进入训练；",
        "#   下次有意重新训练时去掉这一行，hongxian train 才会读它。",
        f"# 样本外结果：在提交 {commit}（关键词规则 + 学习型评分器）上",
        f"#   首次且唯一一次由 tests/eval/freeze.py 评分（{name}）；",
        "#   此后不再修改本段与 measured:，也不据此前的结果调参。",
        "#   类别        TP   FP   FN  precision  recall    | 仅关键词规则（同一提交）：TP  FP  FN  recall",
    ]
    for c in CATS:
        f, r = full[c], rules[c]
        lines.append(
            f"#   {c:<10}{f.tp:>4}{f.fp:>5}{f.fn:>5}     {f.precision:.3f}   {f.recall:.3f}    |"
            f"    {r.tp:>3} {r.fp:>3} {r.fn:>3}   {r.recall:.3f}"
        )
    lines += ["learn: false", "measured:  # 首次评分的数字（向下截到 4 位小数），供回归比较；不得改动"]
    for c in CATS:
        f = full[c]
        lines.append(
            f"  {c}: {{tp: {f.tp}, fp: {f.fp}, fn: {f.fn}, "
            f"precision: {_floor4(f.precision)}, recall: {_floor4(f.recall)}}}"
        )
    return "\n".join(lines) + "\n"


def background_block(texts: list[str], commit: str) -> str:
    full = false_alarms(build_checker(), texts)
    rules = false_alarms(build_checker(rules_only=True), texts)

    def shown(rates: dict[str, float]) -> str:
        return "，".join(f"{c} {rates[c]:.2f}" for c in CATS)

    first = ", ".join(f"{k}: {math.ceil(v * 1000) / 1000}" for k, v in full.items())
    return (
        f"# 样本外结果：在提交 {commit}（关键词规则 + 学习型评分器）上\n"
        "#   首次且唯一一次由 tests/eval/freeze.py 评分：\n"
        f"#   {len(texts)} 条日常消息，每千条误报 合计 {full['all']:.2f}（{shown(full)}）；\n"
        f"#   仅关键词规则 合计 {rules['all']:.2f}（{shown(rules)}）。\n"
        "# 本文件从未用于训练或调规则（tuned: false）；\n"
        "#   learn: false：已评分、冻结，但尚未进入训练；\n"
        "#   下次有意重新训练时去掉这一行，hongxian train 才会读它。\n"
        "#   false_alarms_first: 记首次评分，测试保证此后不超过它。\n"
        "learn: false\n"
        f"false_alarms_first: {{{first}}}\n"
    )


def freeze(source: Path, dest: Path) -> str:
    """Score `source` once, write the frozen copy to `dest`; returns the block that was added."""
    if dest.exists():
        raise SystemExit(f"{dest} 已存在：每个文件只评分一次，冻结后不再重评")
    text = source.read_text(encoding="utf-8")
    doc = _yaml(source)
    if doc.get("tuned") is not False or "measured" in doc or "false_alarms_first" in doc:
        raise SystemExit(f"{source}: 需要 tuned: false，且尚未评分（没有 measured: / false_alarms_first:）")
    commit = _commit()
    if doc.get("role") == "background":
        block = background_block([str(x["text"]) for x in doc["items"]], commit)
    else:
        items = [
            Item(str(x["text"]), frozenset(x.get("labels") or []), dest.name, False) for x in doc["items"]
        ]
        block = batch_block(items, dest.name, commit)
    marker = "\ntuned: false\n"
    if marker not in text:
        raise SystemExit(f"{source}: 找不到单独一行的 tuned: false")
    dest.write_text(text.replace(marker, marker + block, 1), encoding="utf-8")
    return block


def main(argv: list[str]) -> int:
    ap = argparse.ArgumentParser(description="评分一次并冻结新写的评测批次或日常消息集")
    ap.add_argument("source", type=Path)
    ap.add_argument("--name", help="tests/eval/ 中的文件名（默认与源文件同名）")
    args = ap.parse_args(argv)
    dest = HERE / (args.name or args.source.name)
    print(freeze(args.source, dest), end="")
    print(f"已冻结：{dest}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
