"""Shared CLI helpers: console, case errors → exit code 2."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import typer
from rich.console import Console

from hongxian.case import CaseError

console = Console()
err_console = Console(stderr=True)


@contextmanager
def case_errors() -> Iterator[None]:
    """Turn a `CaseError` into a Chinese message on stderr and exit code 2."""
    try:
        yield
    except CaseError as exc:
        err_console.print(f"[bold red]错误：[/]{exc}")
        raise typer.Exit(2) from None
