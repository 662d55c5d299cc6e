"""`hongxian train`: retrain the learned text scorer from the labelled files in the repository."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from hongxian.cli.common import console, err_console


def train(
    root: Annotated[
        Path, typer.Option("--root", help="仓库根目录（含 data/text/train/ 与 tests/eval/）")
    ] = Path("."),
    out: Annotated[
        Path | None, typer.Option("--out", help="模型文件输出路径（默认覆盖随程序发布的模型）")
    ] = None,
    report: Annotated[Path | None, typer.Option("--report", help="把训练报告（JSON）写入此文件")] = None,
    card: Annotated[
        Path | None, typer.Option("--card", help="模型说明（Markdown）输出路径，默认 ROOT/docs/text-model.md")
    ] = None,
) -> None:
    """训练文本模型：按固定随机种子从仓库中的标注消息重新训练，并校准各类别的阈值。"""
    try:
        from hongxian.training import MODEL_FILE, train_text_model
    except ImportError as exc:  # scikit-learn is the `train` extra
        err_console.print(
            f"训练需要 scikit-learn：请安装 pip install 'hongxian[train]'（{exc.name}）", markup=False
        )
        raise typer.Exit(2) from None
    if not (root / "data" / "text" / "train").is_dir():
        err_console.print(
            f"{root}：找不到 data/text/train/，请在仓库根目录运行或用 --root 指定", markup=False
        )
        raise typer.Exit(2)
    target = out or MODEL_FILE
    with console.status("正在训练文本模型（五折交叉验证与校准，约需数分钟）……"):
        result = train_text_model(root, target, card=card or root / "docs" / "text-model.md")
    if report is not None:
        report.write_text(result.to_json() + "\n", encoding="utf-8")
    console.print(f"已写入模型 {target}（{result.counts['messages']} 条训练消息）", markup=False)
    for cat, r in result.out_of_fold.items():
        console.print(
            f"  {cat}: 阈值 {r['threshold']:.2f}，否决 {r['veto']:.2f}；在其他作者的评测消息上"
            f"模型单独精确率 {r['model_precision']:.3f}、召回率 {r['model_recall']:.3f}；"
            f"日常消息误报 {r['background_per_1000']:.2f}/千条",
            markup=False,
        )


def register(app: typer.Typer) -> None:
    app.command("train")(train)
