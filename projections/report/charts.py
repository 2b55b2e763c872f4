"""The Word draft's charts as PNG images, drawn with matplotlib without a display and labelled in bokmål.

matplotlib and numpy take seconds to import: only the Word renderer imports this module, when it renders.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from typing import Literal

from matplotlib.axis import Axis
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter, MaxNLocator

from projections.report.numbers import number

WIDTH_INCHES = 6.3  # the text width of an A4 page with 2,5 cm margins
DPI = 150
BAR = "#1e5c8a"
TEXT = "#1a1a1a"
GRID = "#d0d7de"


def bars(rows: Sequence[tuple[str, int]], axis_label: str) -> bytes:
    """Horizontal bars, largest on top, each with its count at the end: names of any length stay readable."""
    names = [name for name, _ in rows][::-1]
    counts = [count for _, count in rows][::-1]
    return _chart(names, counts, axis_label, "x", height=0.6 + 0.28 * len(rows))


def columns(years: Sequence[str], counts: Sequence[int], axis_label: str) -> bytes:
    """One column per year with its count on top: the trend the council asks about first (a year still running
    named so: «2026 (hittil i år)»)."""
    return _chart(list(years), list(counts), axis_label, "y", height=2.2)


def _chart(
    names: list[str], counts: list[int], axis_label: str, values_along: Literal["x", "y"], height: float
) -> bytes:
    """Bars along `values_along` (x: horizontal bars, y: columns), each labelled with its count, on a plain grid."""
    figure = Figure(figsize=(WIDTH_INCHES, height), dpi=DPI)
    FigureCanvasAgg(figure)  # the Agg canvas: no display, no pyplot state shared between threads
    axes = figure.add_subplot()
    horizontal = values_along == "x"
    top = max(counts, default=1) * (1.12 if horizontal else 1.15) or 1
    if horizontal:
        drawn = axes.barh(names, counts, color=BAR, height=0.65)
        axes.set_xlabel(axis_label, fontsize=8, color=TEXT)
        axes.set_xlim(0, top)
    else:
        drawn = axes.bar(names, counts, color=BAR, width=0.6)
        axes.set_ylabel(axis_label, fontsize=8, color=TEXT)
        axes.set_ylim(0, top)
    axes.bar_label(drawn, labels=[number(c) for c in counts], padding=3 if horizontal else 2, fontsize=8, color=TEXT)
    value_axis: Axis = axes.xaxis if horizontal else axes.yaxis
    value_axis.set_major_formatter(FuncFormatter(lambda value, _position: number(value)))
    value_axis.set_major_locator(MaxNLocator(integer=True))
    axes.grid(axis=values_along, color=GRID, linewidth=0.5)
    axes.set_axisbelow(True)
    for side in ("top", "right", "left"):
        axes.spines[side].set_visible(False)
    axes.spines["bottom"].set_color(GRID)
    axes.tick_params(colors=TEXT, labelsize=8, length=0)
    out = io.BytesIO()
    figure.savefig(out, format="png", dpi=DPI, bbox_inches="tight", pad_inches=0.08, metadata={"Software": None})
    return out.getvalue()
