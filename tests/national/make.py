"""A fixed synthetic national dataset: 2,844 county-level units × the 28 provincial-2021
indicators, in the canonical long format.

Seeded, so every run (tests, benchmark) sees the same file. Values sit on, just above and just
below their thresholds, far from them, and some cells are blank, so every status occurs.
Not real data: the counties are named 县0001 … 县2844.

    python -m tests.national.make OUT.csv [COUNTIES]
"""

from __future__ import annotations

import csv
import random
import sys
from decimal import Decimal
from pathlib import Path

from engine.load.ruleset import load_ruleset
from engine.model.ruleset import (
    AbsoluteThreshold,
    BetweenThreshold,
    GrowthThreshold,
    Ruleset,
)

NATIONAL_COUNTIES = 2844
SEED = 20261125


def _step(precision: int) -> Decimal:
    return Decimal(1).scaleb(-precision)


def _row(rng: random.Random, rs: Ruleset, ind_index: int, county: str, short: float) -> list[str]:
    ind = rs.indicators[ind_index]
    step = _step(ind.precision)
    base = Decimal(rng.randint(10, 5000)) * step * (10 if ind.precision == 0 else 1) + step
    threshold = ind.threshold
    if isinstance(threshold, AbsoluteThreshold):
        required = threshold.value
    elif isinstance(threshold, BetweenThreshold):
        required = threshold.min
    elif isinstance(threshold, GrowthThreshold):
        required = base * (1 + (threshold.min_growth or Decimal(0)) / 100) + (
            threshold.min_increase or 0
        )
    else:
        required = (base * Decimal("1.3")).quantize(step)
    target = required.quantize(step)
    kind = rng.random()
    sign = 1 if ind.direction == "higher" else -1
    if kind < short:
        actual = target - sign * step  # just short
    elif kind < short * 2:
        actual = (target * Decimal(rng.randint(50, 99)) / 100).quantize(step)  # well short
    elif kind < short * 2 + 0.005:
        actual = None  # a blank cell: never a pass
    elif kind < 0.5:
        actual = target  # on the threshold
    elif kind < 0.7:
        actual = target + sign * step  # just on the right side
    else:
        actual = (target * Decimal(rng.randint(101, 180)) / 100).quantize(step)
    actual = None if actual is not None and actual < 0 else actual
    return [county, ind.id, str(base), str(target), "" if actual is None else str(actual)]


def write_national(path: Path, counties: int = NATIONAL_COUNTIES, seed: int = SEED) -> Path:
    rs = load_ruleset("provincial-2021")
    rng = random.Random(seed)
    with path.open("w", encoding="utf-8", newline="") as handle:
        out = csv.writer(handle)
        out.writerow(["county", "indicator", "baseline", "target", "actual"])
        for n in range(1, counties + 1):
            name = f"县{n:04d}" if counties < 10000 else f"县{n:06d}"
            short = rng.choice((0.0, 0.0, 0.01, 0.03, 0.08))  # how often this county falls short
            for i in range(len(rs.indicators)):
                out.writerow(_row(rng, rs, i, name, short))
    return path


if __name__ == "__main__":
    write_national(Path(sys.argv[1]), int(sys.argv[2]) if len(sys.argv) > 2 else NATIONAL_COUNTIES)
