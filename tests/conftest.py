import atexit
import os
import re
import shutil
import tempfile

import pytest
from hypothesis import HealthCheck, settings

# No test writes into the user's cache: bundled rulesets are cached (engine/load/ruleset_cache.py)
# in a folder of this run's own, which the commands run in subprocesses inherit too.
_CACHE_HOME = tempfile.mkdtemp(prefix="county-assess-test-cache-")
os.environ["XDG_CACHE_HOME"] = _CACHE_HOME
atexit.register(shutil.rmtree, _CACHE_HOME, ignore_errors=True)

# The README's test command runs the default profile: few examples, so that the whole command
# stays under two minutes on a 2-core machine. .ci/run sets HYPOTHESIS_PROFILE=ci, which gives
# every property test twenty times as many (tests that take a share of the count, such as
# tests/test_workbook_cells.py, scale with it).
settings.register_profile("default", max_examples=30, deadline=None)
settings.register_profile(
    "ci", max_examples=600, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "default"))


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--browser",
        action="store_true",
        help="run the tests marked 'browser' in headless Chromium (needs Debian's chromium and "
        "pip install -e '.[browser]'); .ci/run does",
    )
    parser.addoption(
        "--slow",
        action="store_true",
        help="also run the tests marked 'slow' (long differential, load and property runs), "
        "which the README's command skips; .ci/run does (pytest -m slow --slow)",
    )


def _selects_slow(config: pytest.Config) -> bool:
    """--slow, or a -m expression that names the marker (``-m slow``, ``-m 'slow or browser'``)."""
    markexpr = config.getoption("markexpr", "") or ""
    return bool(config.getoption("--slow")) or re.search(r"\bslow\b", markexpr) is not None


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    skips: dict[str, pytest.MarkDecorator] = {}
    if not config.getoption("--browser"):
        skips["browser"] = pytest.mark.skip(
            reason="needs Chromium: run with --browser (see .ci/run)"
        )
    if not _selects_slow(config):
        skips["slow"] = pytest.mark.skip(reason="slow: run with --slow or -m slow (see .ci/run)")
    for item in items:
        for marker, skip in skips.items():
            if item.get_closest_marker(marker) is not None:
                item.add_marker(skip)
