"""The ``assess`` command: a click group of subcommands.

    assess FILE --ruleset NAME [--set …] [--plan]   the default command (also: assess check)
    assess monitor FILE --ruleset NAME [--year N]    progress over the construction years
    assess ruleset list | show NAME | check NAME|PATH | schema

Each command goes parse → options → build → execute: click parses the arguments, a frozen
dataclass of options is made from them and validated once (an option that cannot apply is
refused there), the build step loads what the options name (the ruleset, the loader's options),
and the execute step assesses, renders and writes, returning the exit code.

- ``app.py``: the group (routing a first argument that names no command to the default one),
  its help, and :func:`main`; a new command (``assess template``, ``merge``, ``serve``) is a
  module with a click command and one ``add_command`` line there;
- ``check.py``, ``monitor.py``, ``ruleset.py``: the commands, their options objects, and the
  old spellings (``--list-rulesets``, ``--check-ruleset``, ``--ruleset-schema``, ``--monitor``);
- ``common.py``: the options of the data and the report, the one check of formats and --date,
  the one list of files a report must not overwrite, errors;
- ``library.py``: the three calls into the library being redesigned (the evaluator choice, the
  renderers, the formats), one small function each.
"""

from engine.cli.app import assess_command, main
from engine.cli.common import (
    EXIT_FAIL,
    EXIT_INPUT,
    EXIT_INTERNAL,
    EXIT_PASS,
    EXIT_SIMULATED_FAIL,
    EXIT_SIMULATED_PASS,
)

__all__ = [
    "EXIT_FAIL",
    "EXIT_INPUT",
    "EXIT_INTERNAL",
    "EXIT_PASS",
    "EXIT_SIMULATED_FAIL",
    "EXIT_SIMULATED_PASS",
    "assess_command",
    "main",
]
