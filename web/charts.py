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


@dataclass(frozen=True)
class Line:
    label: str
    colour: str
    dash: str
    points: list[Point]

    @property
    def path(self) -> str:
        return " ".join(f"{p.x:.1f},{p.y:.1f}" for p in self.points)


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


def line_chart(years: list[int], series: dict[str, list[int]], *, width: int = 640, height: int = 320) -> LineChart:
    """One line per series over the years, on a y axis from zero to a round maximum."""
    left, right, top, bottom = 48, width - 16, 16, height - 32
    largest = max((v for values in series.values() for v in values), default=0)
    step = _nice_step(largest)
    ceiling = max(step, math.ceil(largest / step) * step)

    def x(index: int) -> float:
        return (left + right) / 2 if len(years) == 1 else left + index * (right - left) / (len(years) - 1)

    def y(value: int) -> float:
        return bottom - value * (bottom - top) / ceiling

    lines = [
        Line(
            label,
            PALETTE[i % len(PALETTE)],
            DASHES[i % len(DASHES)],
            [Point(x(j), y(v), v) for j, v in enumerate(values)],
        )
        for i, (label, values) in enumerate(series.items())
    ]
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
