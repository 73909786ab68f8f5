"""Charts for the documents: matplotlib's object-oriented API on the Agg canvas, PNG bytes out.

The same data give the same bytes (no timestamp or software tag in the PNG), so a report stays reproducible.
Axis labels use the decimal comma.
"""

from __future__ import annotations

import io
from decimal import Decimal

from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter

from reports.formatting import ru_number

ACCENT = "#1f5fae"
MUTED = "#9bb3d3"
BAD = "#b3261e"
DPI = 150


def _png(fig: Figure) -> bytes:
    FigureCanvasAgg(fig)
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=DPI, metadata={"Software": None}, bbox_inches="tight")
    return buffer.getvalue()


def _comma_axis(axis, places: int = 0) -> None:
    axis.set_major_formatter(FuncFormatter(lambda value, _pos: ru_number(Decimal(str(value)), places)))


def criteria_chart(labels: list[str], values: list[Decimal | None], title: str = "") -> bytes:
    """Mean of each criterion and the total: vertical bars with the value written above."""
    fig = Figure(figsize=(6.5, 3.2))
    ax = fig.add_subplot()
    heights = [float(v) if v is not None else 0.0 for v in values]
    colors = [ACCENT] * (len(values) - 1) + ["#12365f"]
    bars = ax.bar(labels, heights, color=colors[: len(values)])
    for bar, value in zip(bars, values, strict=True):
        ax.annotate(
            ru_number(value),
            (bar.get_x() + bar.get_width() / 2, bar.get_height()),
            ha="center",
            va="bottom",
            fontsize=8,
            xytext=(0, 2),
            textcoords="offset points",
        )
    ax.set_ylim(0, 105)
    _comma_axis(ax.yaxis)
    ax.set_ylabel("баллы")
    if title:
        ax.set_title(title, fontsize=10)
    ax.spines[["top", "right"]].set_visible(False)
    return _png(fig)


def groups_chart(labels: list[str], values: list[Decimal | None], counts: list[int], title: str = "") -> bytes:
    """Mean total per group (municipality or type): horizontal bars with N."""
    n = max(1, len(labels))
    fig = Figure(figsize=(6.5, min(9.0, 0.8 + 0.32 * n)))
    ax = fig.add_subplot()
    positions = list(range(n))[::-1]
    widths = [float(v) if v is not None else 0.0 for v in values]
    ax.barh(positions, widths, color=ACCENT, height=0.6)
    ax.set_yticks(
        positions, [f"{label} (N = {count})" for label, count in zip(labels, counts, strict=True)], fontsize=7
    )
    for y, value in zip(positions, values, strict=True):
        ax.annotate(
            ru_number(value), (float(value or 0), y), va="center", fontsize=7, xytext=(3, 0), textcoords="offset points"
        )
    low = min([w for w in widths if w] or [0])
    ax.set_xlim(max(0, int(low) - 10), 102)
    _comma_axis(ax.xaxis)
    ax.set_xlabel("средний итоговый показатель, баллы")
    if title:
        ax.set_title(title, fontsize=10)
    ax.spines[["top", "right"]].set_visible(False)
    return _png(fig)


def distribution_chart(values: list[Decimal], title: str = "") -> bytes:
    """How the totals are spread: a histogram in 5-point bins."""
    fig = Figure(figsize=(6.5, 2.8))
    ax = fig.add_subplot()
    data = [float(v) for v in values if v is not None]
    low = min([*data, 100.0])
    start = max(0, int(low // 5) * 5)
    bins = list(range(start, 105, 5))
    if len(bins) < 2:
        bins = [start, start + 5]
    ax.hist(data, bins=bins, color=ACCENT, edgecolor="white")
    _comma_axis(ax.xaxis)
    ax.set_xlabel("итоговый показатель, баллы")
    ax.set_ylabel("организаций")
    if title:
        ax.set_title(title, fontsize=10)
    ax.spines[["top", "right"]].set_visible(False)
    return _png(fig)


def organization_chart(labels: list[str], values: list[Decimal | None], means: list[Decimal | None]) -> bytes:
    """One organization's criteria next to the mean of its territory."""
    fig = Figure(figsize=(6.0, 2.8))
    ax = fig.add_subplot()
    x = list(range(len(labels)))
    ax.bar([i - 0.2 for i in x], [float(v or 0) for v in values], width=0.4, color=ACCENT, label="организация")
    ax.bar([i + 0.2 for i in x], [float(v or 0) for v in means], width=0.4, color=MUTED, label="среднее")
    ax.set_xticks(x, labels)
    ax.set_ylim(0, 105)
    _comma_axis(ax.yaxis)
    ax.legend(fontsize=7, loc="lower right")
    ax.spines[["top", "right"]].set_visible(False)
    return _png(fig)
