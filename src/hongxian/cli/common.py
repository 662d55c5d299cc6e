"""Shared CLI helpers: console, case errors → exit code 2."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager

import typer
from rich.console import Console
from rich.markup import escape

from hongxian.case import CaseError

console = Console()
err_console = Console(stderr=True)


@contextmanager
def case_errors() -> Iterator[None]:
    """Turn a `CaseError` into a Chinese message on stderr and exit code 2."""
    try:
        yield
    except CaseError as exc:
        err_console.print(f"[bold red]错误：[/]{escape(str(exc))}", soft_wrap=True)
        raise typer.Exit(2) from None


Step = Callable[[str, int, int], None]
"""A progress callback: (what is being done, done, total)."""


@contextmanager
def progress_bar(title: str) -> Iterator[Step]:
    """A Rich progress bar on stderr for long work; a silent callback when stderr is not a terminal."""
    if not err_console.is_terminal:
        yield lambda _name, _done, _total: None
        return
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    with Progress(
        TextColumn(f"[bold]{escape(title)}[/] {{task.description}}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=err_console,
        transient=True,
    ) as bar:
        task = bar.add_task("", total=None)

        def step(name: str, done: int, total: int) -> None:
            bar.update(task, description=escape(name), completed=done, total=total)

        yield step


def invocation() -> str:
    """How the user can run hongxian again from here: ``hongxian`` when that is on PATH, else the path used.

    After ``make demo`` the command lives in ``.venv/bin`` and is not on PATH, so hints must say
    ``.venv/bin/hongxian``.
    """
    import os
    import shutil
    import sys
    from pathlib import Path

    used = Path(sys.argv[0])
    if used.name != "hongxian":
        return "hongxian"
    on_path = shutil.which("hongxian")
    if on_path and Path(on_path).resolve() == used.resolve():
        return "hongxian"
    rel = os.path.relpath(used.absolute())
    if rel.startswith(".."):
        return str(used.absolute())
    return rel if os.sep in rel else f".{os.sep}{rel}"


def acting_password(prompt: str, stdin_ok: bool = True) -> str:
    """The acting user's password: env HONGXIAN_PASSWORD, else stdin's first line, else a hidden prompt."""
    import getpass
    import os
    import sys

    env = os.environ.get("HONGXIAN_PASSWORD")
    if env is not None:
        return env
    if stdin_ok and not sys.stdin.isatty():
        return sys.stdin.readline().rstrip("\r\n")
    return getpass.getpass(prompt)


@contextmanager
def review_errors(*other: type[Exception]) -> Iterator[None]:
    """Review-store errors → exit codes: 3 login/permission, 4 conflict, 1 other (and ``other``), 2 case."""
    from hongxian.review.errors import AuthError, ConflictError, PermissionDenied, ReviewError

    review_or_other: tuple[type[Exception], ...] = (ReviewError, *other)
    with case_errors():
        try:
            yield
        except (AuthError, PermissionDenied) as exc:
            err_console.print(f"[bold red]拒绝：[/]{escape(str(exc))}", soft_wrap=True)
            raise typer.Exit(3) from None
        except ConflictError as exc:
            err_console.print(f"[bold red]{escape(str(exc))}[/]", soft_wrap=True)
            raise typer.Exit(4) from None
        except review_or_other as exc:
            err_console.print(f"[bold red]错误：[/]{escape(str(exc))}", soft_wrap=True)
            raise typer.Exit(1) from None
