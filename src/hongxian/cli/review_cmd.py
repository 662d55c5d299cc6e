"""`hongxian review …`, `hongxian user …` and `hongxian audit …`: the review workflow on the command line.

Acting user: ``--user NAME`` (or env ``HONGXIAN_USER``); the password comes from env
``HONGXIAN_PASSWORD``, else the first line of standard input when it is not a terminal, else a
hidden prompt. Exit codes: 0 ok, 1 audit tampering or invalid input, 2 case folder error,
3 login failed or permission denied, 4 conflict (someone else decided first).
"""

from __future__ import annotations

import getpass
import json
import sys
from dataclasses import asdict
from pathlib import Path
from typing import Annotated

import typer
from pydantic import ValidationError
from rich.table import Table

from hongxian.cli.common import acting_password, console, err_console, review_errors
from hongxian.ids import sha256_file
from hongxian.review import render
from hongxian.review.errors import AuthError, ReviewInputError
from hongxian.review.queries import SORTS, FindingFilter
from hongxian.review.roles import IMPORT_RUN, ROLE_ZH, User, require
from hongxian.review.service import ReviewService, open_store
from hongxian.schema import Finding
from hongxian.settings import Settings

CaseDir = Annotated[Path, typer.Argument(help="案件目录（含 case.toml）", exists=True, file_okay=False)]
DbOpt = Annotated[
    str | None,
    typer.Option(
        "--db", envvar="HONGXIAN_DATABASE_URL", help="数据库地址（默认：案件目录下 .hongxian/store.db）"
    ),
]
UserOpt = Annotated[
    str | None,
    typer.Option(
        "--user",
        "-u",
        envvar="HONGXIAN_USER",
        help="操作人用户名；密码取自环境变量 HONGXIAN_PASSWORD，否则读标准输入第一行，否则提示输入",
    ),
]
JsonOpt = Annotated[bool, typer.Option("--json", help="输出 JSON（供脚本使用）")]

review_app = typer.Typer(help="审查线索：列表、详情、结论、屏蔽规则、导入筛查结果。", no_args_is_help=True)
user_app = typer.Typer(help="用户管理（角色：管理员、审查员、调查员、只读）。", no_args_is_help=True)
audit_app = typer.Typer(help="审计日志：校验哈希链、查看记录。", no_args_is_help=True)


def register(app: typer.Typer) -> None:
    app.add_typer(review_app, name="review")
    app.add_typer(user_app, name="user")
    app.add_typer(audit_app, name="audit")


# ---------------------------------------------------------------- helpers


def _errors():
    from hongxian.review.checkpoint import CheckpointError

    return review_errors(CheckpointError)


def _service(case_dir: Path, db: str | None) -> ReviewService:
    settings = Settings(database_url=db)
    return ReviewService(open_store(case_dir, settings), settings, case_dir=case_dir)


def _login(svc: ReviewService, name: str | None, stdin_ok: bool = True) -> User:
    if not name:
        raise AuthError("需要操作人：请用 --user 指定用户名（或设置环境变量 HONGXIAN_USER）")
    return svc.login(name, acting_password(f"{name} 的密码：", stdin_ok))


def _dump(obj) -> str:
    return json.dumps(obj, ensure_ascii=False, default=str)


# ---------------------------------------------------------------- review


@review_app.command("list")
def list_cmd(
    case_dir: CaseDir,
    user: UserOpt = None,
    db: DbOpt = None,
    json_out: JsonOpt = False,
    category: Annotated[
        list[str] | None, typer.Option("--category", "-c", help="类别，如 integrity.gift_money")
    ] = None,
    severity: Annotated[
        list[str] | None, typer.Option("--severity", "-s", help="low/medium/high/critical")
    ] = None,
    status: Annotated[list[str] | None, typer.Option("--status", help="待审/确认/排除/上报")] = None,
    person: Annotated[str | None, typer.Option("--person", "-p", help="人员编号或账号")] = None,
    check: Annotated[str | None, typer.Option("--check", help="检查项编号")] = None,
    q: Annotated[str | None, typer.Option("--q", "-q", help="全文检索（已脱敏文本）")] = None,
    sort: Annotated[str, typer.Option("--sort", help=f"排序：{'、'.join(SORTS)}")] = "severity",
    page: Annotated[int, typer.Option("--page", min=1)] = 1,
    per_page: Annotated[int, typer.Option("--per-page", min=1, max=500)] = 50,
    include_suppressed: Annotated[
        bool, typer.Option("--include-suppressed", help="包括已屏蔽的线索")
    ] = False,
) -> None:
    """线索列表（审查队列）。"""
    with _errors():
        svc = _service(case_dir, db)
        u = _login(svc, user)
        flt = FindingFilter(
            category=category,
            severity=severity,
            status=status,
            person=person,
            check_id=check,
            q=q,
            include_suppressed=include_suppressed,
        )
        result = svc.list_findings(u, flt, sort=sort, page=page, per_page=per_page)
        if json_out:
            for row in result.items:
                print(_dump(asdict(row)))
            return
        console.print(render.queue_table(result))


@review_app.command("show")
def show_cmd(
    case_dir: CaseDir,
    finding_id: Annotated[str, typer.Argument(help="线索编号")],
    user: UserOpt = None,
    db: DbOpt = None,
    json_out: JsonOpt = False,
    reveal: Annotated[str | None, typer.Option("--reveal", help="查看未脱敏信息的理由（仅调查员）")] = None,
) -> None:
    """线索详情（查看记入审计日志）。"""
    with _errors():
        svc = _service(case_dir, db)
        u = _login(svc, user)
        d = svc.reveal(u, finding_id, reveal) if reveal is not None else svc.get_finding(u, finding_id)
        if json_out:
            print(_dump(render.detail_json(d)))
            return
        render.print_detail(console, d)


@review_app.command("decide")
def decide_cmd(
    case_dir: CaseDir,
    finding_id: Annotated[str, typer.Argument(help="线索编号")],
    status: Annotated[str, typer.Argument(help="结论：确认、排除、上报 或 待审")],
    reason: Annotated[str | None, typer.Option("--reason", "-r", help="理由（排除时必填）")] = None,
    version: Annotated[
        int | None, typer.Option("--version", help="所审查的版本号（防止覆盖他人结论；默认取当前版本）")
    ] = None,
    user: UserOpt = None,
    db: DbOpt = None,
) -> None:
    """对线索作出结论。"""
    with _errors():
        svc = _service(case_dir, db)
        u = _login(svc, user)
        if version is None:
            version = svc.get_finding(u, finding_id).version
        d = svc.decide(u, finding_id, status, reason, version)
        console.print(
            f"已记录：线索 {finding_id} → [bold]{d.status_label}[/]（版本 {d.version}，操作人 {d.actor}）"
        )


@review_app.command("import")
def import_cmd(
    case_dir: CaseDir,
    findings_file: Annotated[
        Path, typer.Argument(help="findings.jsonl（每行一条线索）", exists=True, dir_okay=False)
    ],
    rulebook_version: Annotated[str, typer.Option("--rulebook-version", help="规则库版本")] = "未注明",
    user: UserOpt = None,
    db: DbOpt = None,
) -> None:
    """导入一次筛查结果（单一事务；已有结论保留，新证据使已结论线索重新待审）。"""
    with _errors():
        svc = _service(case_dir, db)
        u = _login(svc, user)
        require(u, IMPORT_RUN)
        findings = _read_findings(findings_file)
        s = svc.record_run(
            findings,
            rulebook_version,
            {"source": findings_file.name},
            {findings_file.name: sha256_file(findings_file)},
            actor=u.name,
        )
        console.print(
            f"已导入第 {s.run_id} 次筛查：新增 {s.new}，更新 {s.updated}，重新待审 {s.reopened}，"
            f"未变化 {s.unchanged}"
        )


def _read_findings(path: Path) -> list[Finding]:
    out = []
    with path.open(encoding="utf-8-sig") as fh:
        for n, line in enumerate(fh, 1):
            if not line.strip():
                continue
            try:
                out.append(Finding.model_validate_json(line))
            except ValidationError as exc:
                raise ReviewInputError(
                    f"{path.name} 第 {n} 行不是有效的线索：{exc.errors()[0]['msg']}"
                ) from None
    return out


@review_app.command("suppress")
def suppress_cmd(
    case_dir: CaseDir,
    check: Annotated[str, typer.Option("--check", help="检查项编号")],
    reason: Annotated[str, typer.Option("--reason", "-r", help="理由（必填）")],
    days: Annotated[int, typer.Option("--days", min=1, help="有效天数")],
    subject: Annotated[
        str | None, typer.Option("--subject", help="只屏蔽某对象：person:P001、account:wxid_x、group:…")
    ] = None,
    user: UserOpt = None,
    db: DbOpt = None,
) -> None:
    """设置屏蔽规则：匹配的线索在有效期内不进入审查队列（仍保存）。"""
    with _errors():
        svc = _service(case_dir, db)
        u = _login(svc, user)
        kind, sid = subject.split(":", 1) if subject and ":" in subject else (None, subject)
        rule = svc.suppress(u, check, reason, days=days, subject_kind=kind, subject_id=sid)
        console.print(
            f"已设置屏蔽规则 #{rule.id}：{rule.check_id}"
            f"{'（' + (subject or '') + '）' if subject else ''}，至 {render.ts(rule.expires_at)}"
        )


@review_app.command("unsuppress")
def unsuppress_cmd(
    case_dir: CaseDir,
    rule_id: Annotated[int, typer.Argument(help="屏蔽规则编号")],
    user: UserOpt = None,
    db: DbOpt = None,
) -> None:
    """撤销屏蔽规则。"""
    with _errors():
        svc = _service(case_dir, db)
        svc.revoke_suppression(_login(svc, user), rule_id)
        console.print(f"已撤销屏蔽规则 #{rule_id}")


@review_app.command("suppressions")
def suppressions_cmd(case_dir: CaseDir, user: UserOpt = None, db: DbOpt = None) -> None:
    """列出屏蔽规则。"""
    with _errors():
        svc = _service(case_dir, db)
        rules = svc.suppressions(_login(svc, user))
        console.print(render.suppressions_table(rules, svc.now()))


# ---------------------------------------------------------------- users


@user_app.command("add")
def user_add(
    case_dir: CaseDir,
    name: Annotated[str, typer.Argument(help="用户名")],
    role: Annotated[str, typer.Option("--role", help=f"角色：{'、'.join(ROLE_ZH.values())}")],
    password_stdin: Annotated[
        bool, typer.Option("--password-stdin", help="从标准输入读取新用户的密码")
    ] = False,
    user: UserOpt = None,
    db: DbOpt = None,
) -> None:
    """新增用户。第一个用户无需操作人；此后须由管理员操作（--user，密码取自 HONGXIAN_PASSWORD）。"""
    with _errors():
        svc = _service(case_dir, db)
        actor = None
        if svc.has_users():
            actor = _login(svc, user, stdin_ok=not password_stdin)
        if password_stdin:
            password = sys.stdin.readline().rstrip("\r\n")
        else:
            password = getpass.getpass(f"{name} 的新密码：")
            if getpass.getpass("再次输入：") != password:
                raise ReviewInputError("两次输入的密码不一致")
        created = svc.add_user(name, role, password, actor=actor)
        console.print(f"已新增用户 {created.name}（{created.role_label}）")


@user_app.command("list")
def user_list(case_dir: CaseDir, user: UserOpt = None, db: DbOpt = None) -> None:
    """列出用户（仅管理员）。"""
    with _errors():
        svc = _service(case_dir, db)
        t = Table(title="用户")
        for col in ("编号", "用户名", "角色", "状态"):
            t.add_column(col)
        for u, disabled in svc.list_users(_login(svc, user)):
            t.add_row(str(u.id), u.name, u.role_label, "已停用" if disabled else "正常")
        console.print(t)


@user_app.command("disable")
def user_disable(
    case_dir: CaseDir,
    name: str,
    user: UserOpt = None,
    db: DbOpt = None,
    enable: Annotated[bool, typer.Option("--enable", help="重新启用")] = False,
) -> None:
    """停用（或 --enable 重新启用）用户，仅管理员。"""
    with _errors():
        svc = _service(case_dir, db)
        svc.set_user_disabled(_login(svc, user), name, not enable)
        console.print(f"用户 {name} 已{'启用' if enable else '停用'}")


# ---------------------------------------------------------------- audit


@audit_app.command("verify")
def audit_verify(
    case_dir: CaseDir,
    db: DbOpt = None,
    checkpoint: Annotated[
        list[str] | None,
        typer.Option("--checkpoint", help="再与此检查点核对（报告旁的“审计检查点”文本），可多次指定"),
    ] = None,
) -> None:
    """重新计算审计日志哈希链，并与签名检查点核对；发现任何篡改或截断即以非零状态退出。无需登录。

    通过后打印并记录一个新的签名检查点（请与报告一并保存在库外）。"""
    with _errors():
        svc = _service(case_dir, db)
        result = svc.verify_audit(checkpoint or ())
        if not result.ok:
            err_console.print(f"[bold red]{result.message()}[/]")
            raise typer.Exit(1)
        console.print(f"[green]{result.message()}[/] 链尾哈希：{result.head_hash}")
        cp = svc.audit_checkpoint()
        if cp is not None:
            console.print(f"审计检查点：{cp.text()}")


@audit_app.command("list")
def audit_list(
    case_dir: CaseDir,
    user: UserOpt = None,
    db: DbOpt = None,
    page: Annotated[int, typer.Option("--page", min=1)] = 1,
    per_page: Annotated[int, typer.Option("--per-page", min=1, max=1000)] = 50,
) -> None:
    """查看审计日志（管理员、调查员），新的在前。"""
    with _errors():
        svc = _service(case_dir, db)
        console.print(render.audit_table(svc.audit_entries(_login(svc, user), page, per_page)))
