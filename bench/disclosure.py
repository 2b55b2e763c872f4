"""Times domain.disclosure.protect on a network report the size of the whole country, one year and ten linked years."""

from __future__ import annotations

import argparse
import random
import statistics
import time
from collections.abc import Hashable

from domain.disclosure import COMPLEMENTARY, SMALL, Equation, protect

GROUPS = [f"group{g}" for g in range(12)]  # national service-area groups, by primary area: they sum to the total
CASE_TYPES = [f"type{t}" for t in range(6)]  # an inquiry may have several: national totals only
MEASURES = ["outside_mandate", "forwarded", "complaints_sent", "interim_replies"]
OUTCOMES = ["upheld", "partly_upheld", "rejected"]  # sum to the office's decided complaints


def _split(rng: random.Random, total: int, columns: int) -> list[int]:
    weights = [rng.random() ** 2 for _ in range(columns)]
    counts = [0] * columns
    for _ in range(total):
        counts[rng.choices(range(columns), weights)[0]] += 1
    return counts


def network_report(
    offices: int, years: int, seed: int = 1, *, across_years: bool = True
) -> tuple[dict[Hashable, int], list[Equation]]:
    """Linked tables per year (offices × groups with margins, × case types, × measures, complaint outcomes), and
    with `across_years` each office's and the nation's total over all years, so the years share equations."""
    rng = random.Random(seed)
    sizes = [max(0, int(rng.lognormvariate(3.0, 1.3))) for _ in range(offices)]
    values: dict[Hashable, int] = {}
    equations: list[Equation] = []

    def column(key: Hashable, parts: list[Hashable]) -> None:
        values[key] = sum(values[p] for p in parts)
        equations.append(Equation(key, tuple(parts)))

    for year in range(2020, 2020 + years):
        names = [f"office{o}" for o in range(offices)]
        for o, name in enumerate(names):
            total = max(0, int(sizes[o] * rng.uniform(0.7, 1.3)))
            for g, count in zip(GROUPS, _split(rng, total, len(GROUPS)), strict=True):
                values[("group", g, name, year)] = count
            column(("total", name, year), [("group", g, name, year) for g in GROUPS])
            for t in CASE_TYPES:
                values[("type", t, name, year)] = rng.randint(0, total)
            for measure in MEASURES:
                values[(measure, name, year)] = rng.randint(0, max(1, total // 4))
            decided = rng.randint(0, max(1, total // 5))
            for z, count in zip(OUTCOMES, _split(rng, decided, len(OUTCOMES)), strict=True):
                values[("outcome", z, name, year)] = count
            column(("decided", name, year), [("outcome", z, name, year) for z in OUTCOMES])
        for g in GROUPS:
            column(("group", g, "national", year), [("group", g, n, year) for n in names])
        column(("total", "national", year), [("total", n, year) for n in names])
        equations.append(Equation(("total", "national", year), tuple(("group", g, "national", year) for g in GROUPS)))
        for t in CASE_TYPES:
            column(("type", t, "national", year), [("type", t, n, year) for n in names])
        for measure in MEASURES:
            column((measure, "national", year), [(measure, n, year) for n in names])
        for z in OUTCOMES:
            column(("outcome", z, "national", year), [("outcome", z, n, year) for n in names])
        column(("decided", "national", year), [("decided", n, year) for n in names])
        equations.append(
            Equation(("decided", "national", year), tuple(("outcome", z, "national", year) for z in OUTCOMES))
        )
    if across_years and years > 1:
        span = range(2020, 2020 + years)
        for o in range(offices):
            column(("total", f"office{o}", "all"), [("total", f"office{o}", y) for y in span])
        column(("total", "national", "all"), [("total", f"office{o}", "all") for o in range(offices)])
        equations.append(Equation(("total", "national", "all"), tuple(("total", "national", y) for y in span)))
    return values, equations


def measure(offices: int, years: int, threshold: int = 4, repeats: int = 3) -> None:
    values, equations = network_report(offices, years)
    timings = []
    for _ in range(repeats):
        started = time.perf_counter()
        hidden = protect(values, equations, threshold)
        timings.append(time.perf_counter() - started)
    small = sum(1 for reason in hidden.values() if reason == SMALL)
    complementary = sum(1 for reason in hidden.values() if reason == COMPLEMENTARY)
    print(
        f"{offices} offices × {years:>2} year(s): {len(values):>6} keys, {len(equations):>5} equations, "
        f"{small:>5} small, {complementary:>4} complementary: "
        f"best {min(timings):.2f} s, median {statistics.median(timings):.2f} s of {repeats}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--offices", type=int, default=400)
    parser.add_argument("--threshold", type=int, default=4)
    parser.add_argument("--repeats", type=int, default=3)
    arguments = parser.parse_args()
    for years in (1, 10):
        measure(arguments.offices, years, arguments.threshold, arguments.repeats)


if __name__ == "__main__":
    main()
