"""`hongxian serve CASE_DIR --host 127.0.0.1 --port N`: the web UI of one case (uvicorn)."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Annotated

import typer

from hongxian.cli.common import case_errors, console, err_console
from hongxian.settings import Settings


def register(app: typer.Typer) -> None:
    @app.command("serve")
    def serve(
        case_dir: Annotated[
            Path, typer.Argument(help="案件目录（含 case.toml）", exists=True, file_okay=False)
        ],
        host: Annotated[str, typer.Option("--host", help="监听地址（默认只在本机访问）")] = "127.0.0.1",
        port: Annotated[int, typer.Option("--port", "-p", help="端口", min=1, max=65535)] = 8000,
        db: Annotated[
            str | None,
            typer.Option(
                "--db",
                envvar="HONGXIAN_DATABASE_URL",
                help="审查库地址（默认：案件目录下 .hongxian/store.db）",
            ),
        ] = None,
        session_minutes: Annotated[
            int, typer.Option("--session-minutes", help="登录会话有效期（分钟）", min=1)
        ] = 480,
        behind_https: Annotated[
            bool,
            typer.Option(
                "--behind-https", help="经 HTTPS 反向代理访问：会话 Cookie 一律加 Secure，并信任代理转发头"
            ),
        ] = False,
    ) -> None:
        """启动网页审查界面：登录、案件概览、线索审查、审计日志、发前自检与报告下载。"""
        import uvicorn

        from hongxian.web import create_app

        with case_errors():
            application = create_app(
                case_dir,
                Settings(database_url=db, session_minutes=session_minutes, behind_https=behind_https),
            )
        if not application.state.service.has_users():
            err_console.print(
                "[yellow]提示：[/]审查库中还没有用户，请先运行 "
                f"`hongxian user add {case_dir} 用户名 --role 审查员 --password-stdin`"
            )
        # compile the self-check automaton in the background so the first 发前自检 is quick
        threading.Thread(target=application.state.web.get_self_checker, daemon=True).start()
        shown = f"[{host}]" if ":" in host else host
        console.print(f"网页审查界面：http://{shown}:{port}/  （按 Ctrl+C 停止）")
        uvicorn.run(
            application,
            host=host,
            port=port,
            log_level="warning",
            access_log=False,
            proxy_headers=behind_https,  # client address and scheme from the proxy's X-Forwarded-* headers
            forwarded_allow_ips="*" if behind_https else None,
        )
