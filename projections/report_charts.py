"""The annual report's charts as PNG images for the Word draft, drawn without a display and labelled in bokmål."""

from __future__ import annotations

import io
from collections.abc import Sequence

from babel.numbers import format_decimal
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter, MaxNLocator

WIDTH_INCHES = 6.3  # the text width of an A4 page with 2,5 cm margins
DPI = 150
BAR = "#1e5c8a"
TEXT = "#1a1a1a"
GRID = "#d0d7de"


def _norwegian(value: float, _position: object = None) -> str:
    return format_decimal(value, locale="nb_NO")


def _figure(height: float) -> Figure:
    figure = Figure(figsize=(WIDTH_INCHES, height), dpi=DPI)
    FigureCanvasAgg(figure)  # the Agg canvas: no display, no pyplot state shared between threads
    return figure


def _png(figure: Figure) -> bytes:
    out = io.BytesIO()
    figure.savefig(out, format="png", dpi=DPI, bbox_inches="tight", pad_inches=0.08, metadata={"Software": None})
    return out.getvalue()


def _plain(axes: Axes) -> None:
    for side in ("top", "right", "left"):
        axes.spines[side].set_visible(False)
    axes.spines["bottom"].set_color(GRID)
    axes.tick_params(colors=TEXT, labelsize=8, length=0)


def bars(rows: Sequence[tuple[str, int]], axis_label: str) -> bytes:
    """Horizontal bars, largest on top, each with its count at the end: names of any length stay readable."""
    names = [name for name, _ in rows][::-1]
    counts = [count for _, count in rows][::-1]
    figure = _figure(0.6 + 0.28 * len(rows))
    axes = figure.add_subplot()
    drawn = axes.barh(names, counts, color=BAR, height=0.65)
    axes.bar_label(drawn, labels=[_norwegian(c) for c in counts], padding=3, fontsize=8, color=TEXT)
    axes.set_xlabel(axis_label, fontsize=8, color=TEXT)
    axes.xaxis.set_major_formatter(FuncFormatter(_norwegian))
    axes.xaxis.set_major_locator(MaxNLocator(integer=True))
    axes.set_xlim(0, max(counts, default=1) * 1.12 or 1)
    axes.grid(axis="x", color=GRID, linewidth=0.5)
    axes.set_axisbelow(True)
    _plain(axes)
    return _png(figure)


def columns(years: Sequence[int], counts: Sequence[int], axis_label: str) -> bytes:
    """One column per year with its count on top: the trend the council asks about first."""
    figure = _figure(2.2)
    axes = figure.add_subplot()
    labels = [str(year) for year in years]
    drawn = axes.bar(labels, counts, color=BAR, width=0.6)
    axes.bar_label(drawn, labels=[_norwegian(c) for c in counts], padding=2, fontsize=8, color=TEXT)
    axes.set_ylabel(axis_label, fontsize=8, color=TEXT)
    axes.yaxis.set_major_formatter(FuncFormatter(_norwegian))
    axes.yaxis.set_major_locator(MaxNLocator(integer=True))
    axes.set_ylim(0, max(counts, default=1) * 1.15 or 1)
    axes.grid(axis="y", color=GRID, linewidth=0.5)
    axes.set_axisbelow(True)
    _plain(axes)
    axes.spines["left"].set_visible(False)
    return _png(figure)
