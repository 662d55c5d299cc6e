"""``hongxian check`` as a command of the Typer app (listed in ``hongxian --help``); the work, options and
help text are those of `hongxian.cli.check_cmd`, which the console script also runs directly."""

from __future__ import annotations

import typer

from hongxian.cli.check_cmd import HELP, run


def check(ctx: typer.Context) -> None:
    raise typer.Exit(run(list(ctx.args)))


def register(app: typer.Typer) -> None:
    app.command(
        "check",
        help=HELP,
        context_settings={"allow_extra_args": True, "ignore_unknown_options": True},
        add_help_option=False,
    )(check)
