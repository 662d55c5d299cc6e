"""`hongxian` command line: a thin skin over the stage packages.

Each command group lives in its own module and registers itself on `app` in `_register`.
"""

from __future__ import annotations

import typer

app = typer.Typer(
    name="hongxian",
    help="红线（hongxian）：依据公开发布的党员干部微信使用规定，对授权案件的微信聊天与支付导出数据进行合规筛查。",
    no_args_is_help=True,
    add_completion=False,
    rich_markup_mode="rich",
)


def _register() -> None:
    from hongxian.cli import ingest_cmd

    ingest_cmd.register(app)
    for name in ("rules_cmd", "screen_cmd", "review_cmd", "report_cmd", "web_cmd", "demo_cmd"):
        try:
            module = __import__(f"hongxian.cli.{name}", fromlist=["register"])
        except ModuleNotFoundError as exc:
            if exc.name != f"hongxian.cli.{name}":
                raise
            continue
        module.register(app)


_register()


def main() -> None:
    app()
