import os

import pytest
from hypothesis import HealthCheck, settings

settings.register_profile("default", max_examples=120, deadline=None)
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


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if config.getoption("--browser"):
        return
    skip = pytest.mark.skip(reason="needs Chromium: run with --browser (see .ci/run)")
    for item in items:
        if "browser" in item.keywords:
            item.add_marker(skip)
