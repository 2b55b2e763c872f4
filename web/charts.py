"""Geometry for server-rendered SVG charts, so the templates only draw and no script library ships to the browser."""

from __future__ import annotations

import math
from dataclasses import dataclass

# Each at least 4.5:1 against white (WCAG asks 3:1 for graphics); dashes tell lines apart without colour.
PALETTE = ("#1e6aa5", "#a4101a", "#2e7d32", "#6a1b9a", "#8a5300", "#00695c", "#ad1457", "#37474f", "#0d47a1", "#5d4037")
DASHES = ("", "6 3", "2 3", "8 3 2 3")


@dataclass(frozen=True)
class Tick:
    value: int
    y: float


@dataclass(frozen=True)
class Point:
    x: float
    y: float
    value: int
    unfinished: bool = False  # the current year: counts so far, drawn hollow


@dataclass(frozen=True)
class Line:
    label: str
    colour: str
    dash: str
    points: list[Point]
    runs: list[list[Point]]  # consecutive years with figures: a year without figures breaks the line

    @property
    def paths(self) -> list[str]:
        """One polyline per run; a lone year is a point without a line."""
        return [" ".join(f"{p.x:.1f},{p.y:.1f}" for p in run) for run in self.runs if len(run) > 1]


@dataclass(frozen=True)
class LineChart:
    width: int
    height: int
    left: int
    right: int
    top: int
    bottom: int
    x_labels: list[tuple[float, str]]
    ticks: list[Tick]
    lines: list[Line]
    unfinished: tuple[float, float] | None = None  # the band (x from, x to) behind the unfinished year


def line_chart(
    years: list[int],
    series: dict[str, list[int | None]],
    *,
    unfinished: int | None = None,
    width: int = 640,
    height: int = 320,
) -> LineChart:
    """One line per series over the years, on a y axis from zero to a round maximum.

    None is a year without figures: no point and no line through it (drawing it as 0 would show a fall that
    never happened). `unfinished` is a year still running: its points are hollow and a band marks it.
    """
    left, right, top, bottom = 48, width - 16, 16, height - 32
    largest = max((v for values in series.values() for v in values if v is not None), default=0)
    step = _nice_step(largest)
    ceiling = max(step, math.ceil(largest / step) * step)
    spacing = (right - left) / max(len(years) - 1, 1)

    def x(index: int) -> float:
        return (left + right) / 2 if len(years) == 1 else left + index * spacing

    def y(value: int) -> float:
        return bottom - value * (bottom - top) / ceiling

    lines = []
    for i, (label, values) in enumerate(series.items()):
        runs: list[list[Point]] = [[]]
        for j, value in enumerate(values):
            if value is None:
                runs.append([])
            else:
                runs[-1].append(Point(x(j), y(value), value, unfinished=years[j] == unfinished))
        runs = [run for run in runs if run]
        points = [point for run in runs for point in run]
        lines.append(Line(label, PALETTE[i % len(PALETTE)], DASHES[i % len(DASHES)], points, runs))
    band = None
    if unfinished in years:
        middle, half = x(years.index(unfinished)), min(spacing, right - left) / 2
        band = (max(middle - half, float(left)), min(middle + half, float(right)))
    return LineChart(
        width,
        height,
        left,
        right,
        top,
        bottom,
        x_labels=[(x(j), str(year)) for j, year in enumerate(years)],
        ticks=[Tick(v, y(v)) for v in range(0, ceiling + 1, step)],
        lines=lines,
        unfinished=band,
    )


def _nice_step(largest: int) -> int:
    """1, 2 or 5 times a power of ten, giving four to ten gridlines."""
    if largest <= 5:
        return 1
    magnitude = 10 ** int(math.log10(largest / 5))
    for factor in (1, 2, 5, 10):
        if largest / (factor * magnitude) <= 10:
            return factor * magnitude
    return 10 * magnitude
