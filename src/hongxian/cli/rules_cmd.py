"""`hongxian rules`: list the rulebook (codes, provisions, checks), run the check cases, validate, write
docs."""

from __future__ import annotations

import json
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.table import Table

from hongxian.cli.common import console, err_console
from hongxian.detect import default_registry
from hongxian.detect.base import DetectorRegistry
from hongxian.detect.cases import run_case
from hongxian.labels import CATEGORY_ZH, SEVERITY_ZH
from hongxian.rulebook.book import Rulebook, article_display, ref_label
from hongxian.rulebook.loader import RulebookError, load_rulebook
from hongxian.rulebook.models import Check, Code
from hongxian.schema import SEVERITIES, RuleRef

rules_app = typer.Typer(
    name="rules",
    help="规则库：已发布规范的条款（按版本）、处分幅度、典型案例，以及据此筛查的检查项。",
    invoke_without_command=True,
    no_args_is_help=False,
)


class ListFormat(StrEnum):
    table = "table"
    json = "json"


def _load(registry: DetectorRegistry, root: Path | None = None) -> Rulebook:
    try:
        return load_rulebook(registry.params_models(), root)
    except RulebookError as exc:
        err_console.print("[bold red]规则库有错误：[/]")
        for line in exc.errors:
            err_console.print(f"  {line}", markup=False, highlight=False)
        raise typer.Exit(1) from None


# ---------------------------------------------------------------------- JSON


def code_json(code: Code, book: Rulebook) -> dict[str, Any]:
    data = code.model_dump(mode="json", exclude_none=True, exclude={"provisions"})
    data["code_id"] = code.code_id
    data["citation"] = code.citation
    data["provisions"] = []
    for p in code.provisions:
        item = p.model_dump(mode="json", exclude_none=True, exclude={"penalties"})
        item["article"] = article_display(p)
        item["article_published"] = p.article
        item["penalties"] = p.penalties.as_text() if p.penalties else None
        item["checks"] = [c.id for c in book.checks_citing(code.family, p.id)]
        data["provisions"].append(item)
    return data


def check_json(check: Check, book: Rulebook) -> dict[str, Any]:
    return {
        "id": check.id,
        "category": check.category,
        "severity": check.severity,
        "title": check.title,
        "screened": book.check_screened(check),
        "enabled": check.enabled,
        "detector": check.detector,
        "suggestion": check.suggestion,
        "rule_refs": [
            {
                "code": r.code,
                "article": r.article,
                "title": r.title,
                "penalties": r.penalties,
                "verified": r.verified,
                "code_id": r.code_id,
                "provision_id": r.provision_id,
                "other_versions": r.other_versions,
            }
            for r in book.resolve_refs(check, None)
        ],
    }


def rules_json(book: Rulebook, search: str | None = None) -> dict[str, Any]:
    """``{"codes": [...], "checks": [...]}``; with ``search``, only matching codes/provisions/checks."""
    codes = [code_json(c, book) for c in book.codes]
    checks = [check_json(c, book) for c in book.checks]
    if search:
        needle = search.lower()
        checks = [c for c in checks if needle in json.dumps(c, ensure_ascii=False).lower()]
        filtered = (_filter_code(c, needle) for c in codes)
        codes = [c for c in filtered if c is not None]
    return {"codes": codes, "checks": checks}


def _filter_code(code: dict[str, Any], needle: str) -> dict[str, Any] | None:
    head = " ".join(
        str(code.get(k, "")) for k in ("family", "title", "short_title", "issuer", "region")
    ).lower()
    if needle in head:
        return code
    provisions = [p for p in code["provisions"] if needle in json.dumps(p, ensure_ascii=False).lower()]
    return {**code, "provisions": provisions} if provisions else None


# ---------------------------------------------------------------------- table


def print_tables(data: dict[str, Any]) -> None:
    t = Table(title="规范与条款", show_lines=False)
    for col in ("规范", "条号", "条款", "核实", "筛查", "检查项"):
        t.add_column(col, overflow="fold")
    for code in data["codes"]:
        for p in code["provisions"]:
            t.add_row(
                code["citation"],
                p["article"],
                p["title"],
                "已核实" if p["verified"] else "待核",
                "是" if p["screened"] else "[dim]不筛查[/]",
                "、".join(p["checks"]) or "-",
            )
    console.print(t)
    c = Table(title="检查项", show_lines=False)
    for col in ("检查项", "类别", "严重程度", "标题", "依据（现行版本）"):
        c.add_column(col, overflow="fold")
    for check in data["checks"]:
        refs = "；".join(ref_label(RuleRef(**r)) for r in check["rule_refs"])
        c.add_row(
            check["id"],
            CATEGORY_ZH.get(check["category"], check["category"]),
            SEVERITY_ZH.get(check["severity"], check["severity"]),
            check["title"],
            refs,
        )
    console.print(c)
    console.print(
        f"共 {len(data['codes'])} 部规范版本、{sum(len(x['provisions']) for x in data['codes'])} 个条款、"
        f"{len(data['checks'])} 个检查项。标“待核”的条号未经核实，引用时显示“（条号待核）”。"
    )


# ---------------------------------------------------------------------- case runner


def run_all_cases(
    book: Rulebook, registry: DetectorRegistry, only: str | None = None
) -> list[dict[str, Any]]:
    """Run every case of every check (or of ``only``); one result dict per case."""
    results = []
    for check in book.checks:
        if only and check.id != only:
            continue
        for case in check.cases:
            try:
                findings = run_case(check, case, registry, book)
                fired = bool(findings)
                ok = fired == (case.expect == "fire")
                detail = f"{len(findings)} 条发现" if fired else "未触发"
                worst = max((f.severity for f in findings), key=SEVERITIES.index) if fired else None
                if ok and fired and case.expect_severity and worst != case.expect_severity:
                    ok, detail = False, f"最高严重程度 {worst}，期望 {case.expect_severity}"
            except Exception as exc:  # a crashing detector is a failed case, reported with its message
                ok, detail = False, f"运行出错：{type(exc).__name__}: {exc}"
            results.append(
                {"check": check.id, "case": case.name, "expect": case.expect, "ok": ok, "detail": detail}
            )
    return results


def _print_case_results(results: list[dict[str, Any]], verbose: bool) -> None:
    failed = [r for r in results if not r["ok"]]
    shown = results if verbose else failed
    if shown:
        t = Table(title="样例结果" if verbose else "未通过的样例")
        for col in ("检查项", "样例", "期望", "结果", "说明"):
            t.add_column(col, overflow="fold")
        for r in shown:
            t.add_row(
                r["check"],
                r["case"],
                "应触发" if r["expect"] == "fire" else "不应触发",
                "[green]通过[/]" if r["ok"] else "[red]未通过[/]",
                r["detail"],
            )
        console.print(t)
    console.print(f"样例 {len(results)} 个：通过 {len(results) - len(failed)}，未通过 {len(failed)}。")


# ---------------------------------------------------------------------- commands


@rules_app.callback()
def rules_main(
    ctx: typer.Context,
    fmt: Annotated[
        ListFormat, typer.Option("--format", help="输出格式：table（表格）或 json")
    ] = ListFormat.table,
    search: Annotated[str | None, typer.Option("--search", help="只显示包含该文字的规范条款与检查项")] = None,
) -> None:
    """列出规则库：各规范的条款（按原文条号）、核实情况、处分幅度，以及筛查它们的检查项。"""
    if ctx.invoked_subcommand is not None:
        return
    book = _load(default_registry())
    data = rules_json(book, search)
    if fmt is ListFormat.json:
        typer.echo(json.dumps(data, ensure_ascii=False, indent=2))
    else:
        print_tables(data)


@rules_app.command("test")
def rules_test(
    check: Annotated[str | None, typer.Option("--check", help="只运行这个检查项的样例")] = None,
    verbose: Annotated[
        bool, typer.Option("--verbose", "-v", help="列出全部样例（默认只列未通过的）")
    ] = False,
) -> None:
    """运行每个检查项的样例（应触发 / 不应触发），有未通过的样例时退出码为 1。"""
    registry = default_registry()
    book = _load(registry)
    if check and check not in {c.id for c in book.checks}:
        err_console.print(f"[red]错误：[/]规则库中没有检查项 {check}")
        raise typer.Exit(2)
    results = run_all_cases(book, registry, check)
    _print_case_results(results, verbose)
    if any(not r["ok"] for r in results):
        raise typer.Exit(1)


@rules_app.command("validate")
def rules_validate(
    root: Annotated[
        Path | None, typer.Argument(help="规则库目录（含 codes/ 与 checks/；默认为内置规则库）")
    ] = None,
) -> None:
    """校验规则库：字段、条款引用、检测器参数；错误逐条给出文件与行号，有错误时退出码为 1。"""
    book = _load(default_registry(), root)
    console.print(
        f"[green]规则库有效[/]：版本 {book.version}，"
        f"{len(book.codes)} 部规范版本，{len(book.checks)} 个检查项。"
    )


@rules_app.command("docs")
def rules_docs(
    out: Annotated[Path, typer.Option("--out", help="输出的 Markdown 文件")] = Path("docs/rules.md"),
    check: Annotated[
        bool, typer.Option("--check", help="只检查该文件是否与规则库一致（不一致时退出码为 1）")
    ] = False,
) -> None:
    """由规则库生成中文说明文档（docs/rules.md）。"""
    from hongxian.rulebook.docs import render_markdown

    text = render_markdown(_load(default_registry()))
    if check:
        current = out.read_text(encoding="utf-8") if out.exists() else ""
        if current != text:
            err_console.print(f"[red]{out} 已过期[/]：请运行 hongxian rules docs --out {out}")
            raise typer.Exit(1)
        console.print(f"{out} 与规则库一致。")
        return
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(text, encoding="utf-8")
    console.print(f"已写入 {out}。")


def register(app: typer.Typer) -> None:
    app.add_typer(rules_app, name="rules")
