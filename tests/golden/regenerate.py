"""Rewrite the golden results from the scenarios: python tests/golden/regenerate.py

A regenerated file is only right once a person has checked the diff against the rules by hand
(see README.md in this folder); the tests then hold the engine to it.
"""

from pathlib import Path

import engine

HERE = Path(__file__).resolve().parent
SCENARIOS = HERE.parent.parent / "scenarios"

if __name__ == "__main__":
    # The single provincial-2021 counties (as tests/test_golden.py reads them); the batch, the
    # multi-year file and the seed scenarios with their own rulesets have their own tests.
    for path in sorted(
        p for pattern in ("tianmen-2022.*", "example-*") for p in SCENARIOS.glob(pattern)
    ):
        result = engine.assess(path, "provincial-2021")
        out = HERE / f"{path.name}.json"
        out.write_text(result.to_json(), encoding="utf-8")
        print(f"{out.name}: {result.verdict}")
