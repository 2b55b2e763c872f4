"""Times making the network's releases over 400 offices × 10 years, beside the previous live computation, in one run.

Pure (no database): the figures are synthetic, shaped as projections.network_figures keeps them. Previous: each year's
tables protected on their own (build_year, what every new fingerprint cost before releases). Now: release 1 of every
year, then release 2 of every year after one office stopped sharing and a tenth of the offices got new inquiries,
protected together with release 1 (projections.network_releases.release_year).
"""

from __future__ import annotations

import argparse
import random
import time
from collections import Counter

from domain.national_groups import GROUP_CODES
from projections.network_releases import release_year
from projections.network_report import Office, build_year, year_tables

FIRST = 2015


def figures(rng: random.Random, offices: list[Office], years: int) -> dict[tuple[str, int], Counter]:
    found = {}
    for office in offices:
        size = max(1, int((office.population or 1000) / 2000))
        for year in range(FIRST, FIRST + years):
            found[office.slug, year] = _year(rng, size)
    return found


def _year(rng: random.Random, size: int) -> Counter:
    counts: Counter = Counter()
    for _ in range(size):
        counts["group", rng.choice(GROUP_CODES)] += 1
        counts["case_type", rng.choice(["no_reply", "application_help", "service_quality"])] += 1
        if rng.random() < 0.1:
            counts["forwarded", ""] += 1
        if rng.random() < 0.06:
            counts["complaint_outcome", rng.choice(["upheld", "rejected"])] += 1
    counts["total", ""] = size
    return counts


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.network_releases", description=__doc__)
    parser.add_argument("--offices", type=int, default=400)
    parser.add_argument("--years", type=int, default=10)
    args = parser.parse_args()
    rng = random.Random(1)
    offices = [Office(f"k{i}", f"Kommune {i}", int(1000 * 700 ** rng.random())) for i in range(args.offices)]
    counts = figures(rng, offices, args.years)
    years = range(FIRST, FIRST + args.years)

    start = time.perf_counter()
    for year in years:
        build_year(year, offices, counts, {}, 4)
    previous = time.perf_counter() - start

    start = time.perf_counter()
    first = {year: release_year(year_tables(year, offices, counts, {}), [], 4)[1] for year in years}
    release1 = time.perf_counter() - start

    for office in rng.sample(offices, len(offices) // 10):
        for year in years:
            counts[office.slug, year] = counts[office.slug, year] + _year(rng, 2)
    remaining = offices[1:]  # the first office stopped sharing
    start = time.perf_counter()
    for year in years:
        release_year(year_tables(year, remaining, counts, {}), [first[year]], 4)
    release2 = time.perf_counter() - start
    print(f"{args.offices} offices × {args.years} years")
    print(f"previous: every year protected on its own (live report): {previous:.2f} s")
    print(f"release 1 of every year: {release1:.2f} s")
    print(f"release 2 of every year (one office left, a tenth changed), with release 1: {release2:.2f} s")


if __name__ == "__main__":
    main()
