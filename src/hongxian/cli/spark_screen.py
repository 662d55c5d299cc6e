"""`hongxian screen --engine spark`: the Spark engine's side of the screen command (no recording:
`hongxian store import` records a case's findings in its review store, embedded)."""

from __future__ import annotations

from pathlib import Path

from hongxian.cli.common import case_errors, console


def screen_on_spark(job_args: dict, conf: list[str]) -> None:
    from hongxian.cli.screen_cmd import _load_rules, print_summary
    from hongxian.spark.engine import SparkJob, run_spark_screen
    from hongxian.spark.session import parse_conf

    registry, book = _load_rules()
    with case_errors():
        job = SparkJob(conf=parse_conf(conf), **job_args)
        written = run_spark_screen(job, registry, book, progress=lambda m: console.print(f"[dim]· {m}[/]"))
    for case_id, (result, path) in written.items():
        console.rule(f"案件 {case_id}")
        print_summary(result, path)
    if not written:
        console.print("[yellow]输入中没有案件数据[/]")
    folders = sorted({str(Path(p).parent) for _, p in written.values()})
    console.print(
        f"Spark 筛查未写入审查库；入库请运行：hongxian store import {folders[0] if folders else '案件目录'}"
    )
