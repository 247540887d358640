"""Charts of comparison, ranking and trend answers, drawn as PNG images for channels that send pictures.

Drawn with matplotlib's object API and the Agg canvas only (no pyplot): no global figure state, so
charts can be drawn from several threads at once. DejaVu Sans, bundled with matplotlib, has every
Vietnamese letter.
"""

from __future__ import annotations

import io
import textwrap

from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter

from retrieval.models import Chart, ChartPoint

FONT = "DejaVu Sans"
WIDTH_INCHES = 8.0
DPI = 100  # 800 px wide: readable on a phone, a few tens of KB
BAR_COLOR = "#2e7d5b"
LINE_COLOR = "#1f5f99"
MUTED = "#555555"
MAX_PERIOD_CHARS = 48  # fits "Lũy kế tới nay (theo bài viết ngày 18/01/2021)" whole
LABEL_WRAP = 22  # characters per line of a place or period label on an axis
KINDS = ("bar", "line")


def render_png(chart: Chart) -> bytes:
    """Return the chart as a PNG: horizontal bars for "bar", a line with markers for "line"."""
    if chart.kind not in KINDS:
        raise ValueError(f"chart kind {chart.kind!r}: expected one of {', '.join(KINDS)}")
    if not chart.points:
        raise ValueError("chart has no points to draw")
    height = _bar_height(len(chart.points)) if chart.kind == "bar" else 5.0
    figure = Figure(figsize=(WIDTH_INCHES, height), dpi=DPI, layout="constrained")
    FigureCanvasAgg(figure)
    axes = figure.add_subplot()
    if chart.kind == "bar":
        _draw_bars(axes, chart.points)
    else:
        _draw_line(axes, chart.points)
    axes.set_title(chart_title(chart), loc="left", fontsize=15, fontweight="bold", fontfamily=FONT, pad=12)
    for side in ("top", "right"):
        axes.spines[side].set_visible(False)
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=DPI, facecolor="white")
    return buffer.getvalue()


def chart_title(chart: Chart) -> str:
    """Return the measure with a capital first letter, and its unit when the measure does not name it."""
    measure = chart.measure.strip() or chart.unit
    title = measure[:1].upper() + measure[1:]
    if chart.unit and chart.unit.casefold() not in measure.casefold():
        title += f" ({chart.unit})"
    return title


def shorten(text: str, limit: int) -> str:
    """Return ``text`` cut to ``limit`` characters, ending with "…" when it was cut."""
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def format_number(value: float) -> str:
    """Return an axis value as Vietnamese writes it: 1.750, 3,5; large sums as "3,2 tỷ"."""
    for size, word in ((1e9, " tỷ"), (1e6, " triệu")):
        if abs(value) >= size:
            return _vietnamese(value / size, 1) + word
    return _vietnamese(value, 0 if value == int(value) else 1)


def _vietnamese(value: float, decimals: int) -> str:
    """Return a number with "." between thousands and "," before decimals, without a trailing ",0"."""
    text = f"{value:,.{decimals}f}".replace(",", " ").replace(".", ",").replace(" ", ".")
    return text.removesuffix(",0")


def _bar_height(count: int) -> float:
    """Return the figure height in inches for ``count`` bars: 4 (two bars) to 6.5 (five)."""
    return min(6.5, 2.3 + 0.85 * count)


def _wrapped(text: str, lines: int) -> str:
    """Return an axis label wrapped on at most ``lines`` lines, shortened to fit them."""
    return "\n".join(textwrap.wrap(shorten(text, LABEL_WRAP * lines), LABEL_WRAP, max_lines=lines, placeholder="…"))


def _draw_bars(axes: Axes, points: tuple[ChartPoint, ...]) -> None:
    """Draw one horizontal bar a place, the first on top, each with its value and period."""
    rows = range(len(points))
    values = [p.value for p in points]
    axes.barh(rows, values, height=0.5, color=BAR_COLOR)
    axes.set_yticks(rows, labels=[_wrapped(p.label, 2) for p in points], fontsize=12, fontfamily=FONT)
    axes.invert_yaxis()
    low, high = min(0.0, *values), max(0.0, *values)
    span = (high - low) or 1.0
    # Room beyond the longest bar for its value, which is written after the bar's end.
    axes.set_xlim(low - (0.3 * span if low < 0 else 0), high + 0.3 * span)
    axes.set_ylim(len(points) - 0.3, -0.6)
    axes.xaxis.set_visible(False)  # each bar is labelled with its value as the article writes it
    axes.tick_params(axis="y", length=0, pad=8)
    axes.spines["bottom"].set_visible(False)
    for row, point in enumerate(points):
        after = 6 if point.value >= 0 else -6
        axes.annotate(
            point.value_text,
            (point.value, row),
            xytext=(after, 0),
            textcoords="offset points",
            ha="left" if after > 0 else "right",
            va="center",
            fontsize=13,
            fontweight="bold",
            fontfamily=FONT,
        )
        if point.period:
            axes.annotate(
                shorten(point.period, MAX_PERIOD_CHARS),
                (0, row + 0.25),
                xytext=(2, -2),
                textcoords="offset points",
                ha="left",
                va="top",
                fontsize=9.5,
                color=MUTED,
                fontfamily=FONT,
            )


def _draw_line(axes: Axes, points: tuple[ChartPoint, ...]) -> None:
    """Draw the points in order on a line with markers, each with its value; under each, its label
    and, when it says more than the label, its period."""
    steps = range(len(points))
    values = [p.value for p in points]
    axes.plot(steps, values, color=LINE_COLOR, marker="o", markersize=8, linewidth=2.5)
    axes.set_xticks(steps, labels=[_period_label(p) for p in points], fontsize=11, fontfamily=FONT)
    axes.set_xlim(-0.5, len(points) - 0.5)
    low, high = min(0.0, *values), max(0.0, *values)
    axes.set_ylim(low, high + 0.2 * ((high - low) or 1.0))  # from zero, with room for the values
    axes.yaxis.set_major_formatter(FuncFormatter(lambda value, _position: format_number(value)))
    axes.tick_params(axis="y", labelsize=10, colors=MUTED)
    axes.grid(axis="y", color="#dddddd", linewidth=0.8)
    axes.set_axisbelow(True)
    for step, point in enumerate(points):
        axes.annotate(
            point.value_text,
            (step, point.value),
            xytext=(0, 9),
            textcoords="offset points",
            ha="center",
            va="bottom",
            fontsize=12,
            fontweight="bold",
            fontfamily=FONT,
            bbox={"boxstyle": "round,pad=0.15", "facecolor": "white", "edgecolor": "none", "alpha": 0.85},
        )


def _period_label(point: ChartPoint) -> str:
    """Return a line point's axis label, with its period in brackets when the label does not say it."""
    label = _wrapped(point.label, 3)
    if point.period and point.period.strip() != point.label.strip():
        label = _wrapped(point.label, 1) + "\n" + _wrapped(f"({shorten(point.period, MAX_PERIOD_CHARS)})", 2)
    return label
