"""Typer/Click in Chinese: usage, help and errors of the command line (words in `hongxian.labels`).

Typer 0.29 vendors Click with its English strings written into the code (no gettext catalogue can
reach them), so the words are replaced through Typer's own hooks instead: every group and command of
the application is built from `ZhGroup` / `ZhCommand` (`localise` sets them on the Typer app before
Click objects exist). They give the usage line, the help option and the help panels Chinese names,
and turn a usage error into a Chinese message before Typer prints it. Nothing global is patched.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

import typer
from rich.console import Console
from rich.panel import Panel
from typer import _click as click
from typer._click import exceptions as click_errors
from typer.core import TyperArgument, TyperCommand, TyperGroup, TyperOption

from hongxian.labels import CLI_MESSAGE_ZH, CLI_ZH

_PATTERNS = [(re.compile(rx), zh) for rx, zh in CLI_MESSAGE_ZH]


def translate(message: str) -> str:
    """One English Typer/Click message in Chinese (unchanged when no pattern knows it)."""
    text = message.strip()
    for rx, zh in _PATTERNS:
        m = rx.match(text)
        if m:
            return zh.format(**m.groupdict())
    return message


def _hint(e: click_errors.BadParameter) -> str:
    hint: Sequence[str] | str | None = e.param_hint
    if hint is None and e.param is not None:
        hint = e.param.get_error_hint()
    if hint is None:
        return ""
    return " / ".join(hint) if not isinstance(hint, str) else hint


def message_zh(e: click.ClickException) -> str:
    """The Chinese message of a Click exception (the panel text of the error)."""
    if isinstance(e, click_errors.NoSuchOption):
        text = CLI_ZH["no_such_option"].format(name=e.option_name)
        if e.possibilities:
            text += CLI_ZH["possible_options"].format(options="、".join(sorted(e.possibilities)))
        return text
    if isinstance(e, click_errors.MissingParameter):
        kind = e.param_type or (e.param.param_type_name if e.param is not None else "parameter")
        label = CLI_ZH["missing_option"] if kind == "option" else CLI_ZH["missing_argument"]
        return CLI_ZH["missing"].format(kind=label, hint=_hint(e))
    if isinstance(e, click_errors.BadParameter):
        hint = _hint(e)
        inner = translate(e.message)
        if not hint:
            return CLI_ZH["invalid_value_bare"].format(message=inner)
        return CLI_ZH["invalid_value"].format(hint=hint, message=inner)
    return translate(e.format_message())


def print_error(e: click.ClickException) -> None:
    """What Typer prints for a usage error, in Chinese: usage line, help hint, an 错误 panel."""
    console = Console(stderr=True)
    ctx: click.Context | None = getattr(e, "ctx", None)
    if ctx is not None:
        console.print(ctx.get_usage(), markup=False, highlight=False)
        if ctx.command.get_help_option(ctx) is not None:
            hint = CLI_ZH["try_help"].format(command=ctx.command_path, option=ctx.help_option_names[0])
            console.print(hint, markup=False, style="dim")
    console.print(Panel(message_zh(e), title=CLI_ZH["error_title"], title_align="left", border_style="red"))


def _note_default_and_envvar(p: TyperOption | TyperArgument, ctx: click.Context) -> None:
    notes = []
    if p.envvar and getattr(p, "show_envvar", False):
        names = [p.envvar] if isinstance(p.envvar, str) else list(p.envvar)
        notes.append(CLI_ZH["envvar"].format(value="、".join(names)))
        p.show_envvar = False
    default = p._extract_default_help_str(ctx=ctx)
    shown = isinstance(p.show_default, str) or (default is not None and (p.show_default or ctx.show_default))
    if shown:
        text = p._get_default_string(
            ctx=ctx, show_default_is_str=isinstance(p.show_default, str), default_value=default
        )
        if text:
            notes.append(CLI_ZH["default"].format(value=text))
        p.show_default = False
    if notes:
        p.help = f"{p.help or ''}（{'；'.join(notes)}）"


class _Zh:
    """What ZhGroup and ZhCommand share (mixed in before the Typer class)."""

    params: list[click.Parameter]

    def _zh_init(self) -> None:
        for p in self.params:
            if not getattr(p, "rich_help_panel", None):
                is_arg = isinstance(p, TyperArgument)
                p.rich_help_panel = CLI_ZH["panel_arguments" if is_arg else "panel_options"]  # type: ignore[attr-defined]

    def get_help_option(self, ctx: click.Context) -> Any:
        opt = super().get_help_option(ctx)  # type: ignore[misc]
        if opt is not None:
            opt.help = CLI_ZH["help_option"]
            opt.rich_help_panel = CLI_ZH["panel_options"]
        return opt

    def format_help(self, ctx: click.Context, formatter: Any) -> None:
        """Defaults and environment variables written into the help text in Chinese (Typer would add
        them as "[default: …]" / "[env var: …]")."""
        for p in self.params:
            if isinstance(p, TyperOption | TyperArgument):
                _note_default_and_envvar(p, ctx)
        super().format_help(ctx, formatter)  # type: ignore[misc]

    def format_usage(self, ctx: click.Context, formatter: Any) -> None:
        pieces = self.collect_usage_pieces(ctx)  # type: ignore[attr-defined]
        formatter.write(f"{CLI_ZH['usage']}{ctx.command_path} {' '.join(pieces)}\n")

    def make_context(self, *args: Any, **kwargs: Any) -> click.Context:
        try:
            return super().make_context(*args, **kwargs)  # type: ignore[misc]
        except click_errors.NoArgsIsHelpError:
            raise
        except click.ClickException as e:
            print_error(e)
            raise typer.Exit(e.exit_code) from None


class ZhCommand(_Zh, TyperCommand):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.options_metavar = CLI_ZH["options_metavar"]
        self._zh_init()


class ZhGroup(_Zh, TyperGroup):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.options_metavar = CLI_ZH["options_metavar"]
        self._zh_init()
        self.subcommand_metavar = CLI_ZH["subcommand_metavar"]
        for cmd in self.commands.values():
            if not getattr(cmd, "rich_help_panel", None):
                cmd.rich_help_panel = CLI_ZH["panel_commands"]  # type: ignore[attr-defined]

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except click_errors.NoArgsIsHelpError:
            raise
        except click.ClickException as e:  # an unknown command, a subcommand's bad option …
            if isinstance(e, click_errors.UsageError) or type(e) is click.ClickException:
                print_error(e)
                raise typer.Exit(e.exit_code) from None
            raise
        except typer.Abort:
            Console(stderr=True).print(CLI_ZH["aborted"], style="red")
            raise typer.Exit(1) from None


def localise(app: typer.Typer) -> typer.Typer:
    """Build every group and command of ``app`` (and its sub-apps) from the Chinese classes."""
    app.info.cls = ZhGroup
    for command in app.registered_commands:
        if command.cls in (None, TyperCommand):
            command.cls = ZhCommand
    for group in app.registered_groups:
        if group.typer_instance is not None:
            localise(group.typer_instance)
    return app
