"""The Typer application of `hongxian` (every command but the fast path of ``check``).

Each command group lives in its own module with ``register(app)`` (`hongxian.plugins`); the modules are
listed below in help order.
"""

from __future__ import annotations

import typer

from hongxian.cli import (
    check_typer,
    demo_cmd,
    ingest_cmd,
    report_cmd,
    review_cmd,
    rules_cmd,
    schema_cmd,
    screen_cmd,
    store_cmd,
    train_cmd,
    web_cmd,
)
from hongxian.cli.zh import localise
from hongxian.plugins import register_all

app = typer.Typer(
    name="hongxian",
    help="红线（hongxian）：依据公开发布的党员干部微信使用规定，对授权案件的微信聊天与支付导出数据进行合规筛查。",
    no_args_is_help=True,
    add_completion=False,
    rich_markup_mode="rich",
)


register_all(
    app,
    (
        ingest_cmd,
        rules_cmd,
        screen_cmd,
        store_cmd,
        check_typer,
        review_cmd,
        report_cmd,
        web_cmd,
        demo_cmd,
        train_cmd,
        schema_cmd,
    ),
)
localise(app)
