"""`hongxian` command line: a thin skin over the stage packages.

`main` is the console script. ``hongxian check …`` runs `hongxian.cli.check_cmd` straight away (the
self-check must answer at once, before Typer, Rich and the other commands are imported); everything
else goes to the Typer application in `hongxian.cli.application`.
"""

from __future__ import annotations

import sys
from typing import Any


def main() -> None:
    argv = sys.argv[1:]
    if argv[:1] == ["check"] and not {"--help", "-h"} & set(argv[1:]):
        from hongxian.cli.check_cmd import run

        sys.exit(run(argv[1:]))
    from hongxian.cli.application import app

    app()


def __getattr__(name: str) -> Any:
    if name == "app":  # ``from hongxian.cli import app`` (tests, embedding)
        from hongxian.cli.application import app

        return app
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
