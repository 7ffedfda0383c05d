"""The ``assess`` group: the default command (a county's check) and the other commands, and
:func:`main`, which turns every outcome into an exit code and at most one ``error:`` line."""

from __future__ import annotations

import atexit
import gc
import os
import sys

import click

from engine.cli.check import EXAMPLES, check_command
from engine.cli.common import EXIT_CODES, EXIT_INPUT, EXIT_INTERNAL, EXIT_PASS, default_lang
from engine.cli.merge import merge_command
from engine.cli.monitor import monitor_command
from engine.cli.ruleset import ruleset_group
from engine.cli.serve import serve_command
from engine.cli.template import template_command
from engine.cli.usage import command_lang, message, see_help

#: The command run when the first argument names no other: ``assess FILE --ruleset NAME``.
DEFAULT = "check"
#: Set in the context's meta when the default command was not named.
IMPLICIT = "engine.cli.default-implied"
#: The group's own options; any other first argument belongs to the default command.
_GROUP_OPTIONS = ("-h", "--help", "--version")

EPILOG = (
    EXIT_CODES
    + "\n"
    + EXAMPLES
    + """  assess monitor county-2020-2022.csv -r provincial-2021
  assess ruleset show provincial-2021
  assess ruleset check my-ruleset.yaml
  assess ruleset list

\b
Old spellings, kept for one release (each says its new one):
  assess --list-rulesets          now: assess ruleset list
  assess --check-ruleset NAME     now: assess ruleset check NAME
  assess --ruleset-schema         now: assess ruleset schema
  assess FILE -r NAME --monitor   now: assess monitor FILE -r NAME
"""
)


class AssessGroup(click.Group):
    """A group whose default command needs no name: ``assess FILE --ruleset NAME`` is
    ``assess check FILE --ruleset NAME`` (a county file named like a command is ``./monitor``).
    Its help is the default command's options followed by the commands."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        if not args or (args[0] not in self.commands and args[0] not in _GROUP_OPTIONS):
            args = [DEFAULT, *args]
            ctx.meta[IMPLICIT] = True  # its errors point to 'assess --help', as they always did
        return super().parse_args(ctx, args)

    def format_usage(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        formatter.write_usage(ctx.command_path, "[OPTIONS] FILE --ruleset NAME|PATH")
        formatter.write_usage(ctx.command_path, "COMMAND [ARGS]...", prefix="   or: ")

    def format_options(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        default = self.commands[DEFAULT]
        sub = click.Context(default, parent=ctx, info_name=DEFAULT)
        rows = [
            row
            for param in default.get_params(sub)
            if isinstance(param, click.Option)
            and "--help" not in param.opts
            and (row := param.get_help_record(sub)) is not None
        ]
        rows += [
            row for param in self.get_params(ctx) if (row := param.get_help_record(ctx)) is not None
        ]
        with formatter.section("Options"):
            formatter.write_dl(rows)
        self.format_commands(ctx, formatter)

    def list_commands(self, ctx: click.Context) -> list[str]:
        return list(self.commands)  # in the order added: the default first


@click.group(
    "assess",
    cls=AssessGroup,
    epilog=EPILOG,
    context_settings={"help_option_names": ["-h", "--help"]},
)
@click.version_option(package_name="county-assess", prog_name="assess")
def assess_command() -> None:
    """Pre-check a county's innovative-county acceptance indicators (创新型县验收指标预检).

    FILE is the county's indicator table (CSV in UTF-8 or GBK, or .xlsx) in the canonical long
    format: one row per indicator with columns indicator, baseline, target, actual (Chinese
    headers such as 指标, 基期值, 目标值, 实际值 work too). Every rule of the ruleset gets a
    result and a reason; the verdict is PASS or FAIL. This is the default command ('assess
    check'); the options below are its own, the commands after them do the rest.
    """


# A new command is a function and one line here (assess template, merge, serve …).
assess_command.add_command(check_command)
assess_command.add_command(monitor_command)
assess_command.add_command(ruleset_group)
assess_command.add_command(serve_command)
assess_command.add_command(template_command)
assess_command.add_command(merge_command)


def _help_path(ctx: click.Context) -> str:
    """The command whose help a usage error points to: the one typed."""
    if ctx.meta.get(IMPLICIT) and ctx.command.name == DEFAULT and ctx.parent is not None:
        return ctx.parent.command_path
    return ctx.command_path


def main() -> None:
    """The ``assess`` command: every outcome is an exit code and at most one ``error:`` line."""
    # What the imports made lives as long as the process: frozen, out of the collector's way,
    # the full collection that start-up triggers (~60 ms, in durable-rules' first session) does
    # not walk it; frozen again at exit, the interpreter's last collection has next to nothing
    # to walk (one county's exit took ~150 ms, now ~20 ms). See docs/performance.md.
    gc.freeze()
    atexit.unregister(gc.freeze)  # once, however often main() is called in one process
    atexit.register(gc.freeze)
    try:
        code = assess_command.main(standalone_mode=False)
    except click.UsageError as exc:  # a bad option: one line, in the user's words, and --help
        lang = command_lang(sys.argv[1:], default_lang())
        hint = see_help(_help_path(exc.ctx), lang) if exc.ctx is not None else ""
        click.echo(f"error: {message(exc, lang)}{hint}", err=True)
        sys.exit(EXIT_INPUT)
    except click.ClickException as exc:
        click.echo(f"error: {message(exc, command_lang(sys.argv[1:], default_lang()))}", err=True)
        sys.exit(EXIT_INPUT)
    except (KeyboardInterrupt, click.Abort):
        click.echo("interrupted", err=True)
        sys.exit(130)
    except Exception as exc:  # a bug of ours: one line, no traceback, no verdict
        if os.environ.get("ASSESS_DEBUG"):
            raise
        click.echo(
            f"internal error: {type(exc).__name__}: {exc} — no verdict was produced; "
            "please report this (set ASSESS_DEBUG=1 for details)",
            err=True,
        )
        sys.exit(EXIT_INTERNAL)
    sys.exit(code if isinstance(code, int) else EXIT_PASS)
