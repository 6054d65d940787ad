"""A bar chart's geometry, for an SVG the server renders (templates/practice/admin/bar_chart.html).

No chart library and no script: the admin's report (practice/visit_report.py) draws its
bars as plain <rect> elements, in a fixed coordinate space the browser scales.
"""

from dataclasses import dataclass

WIDTH = 720
HEIGHT = 180
TOP = 16  # room for the largest value's label
BOTTOM = 20  # room for the first and last labels
GAP = 0.2  # of each bar's slot, between bars


@dataclass(frozen=True)
class Bar:
    x: float
    y: float
    width: float
    height: float
    label: str
    value: int


@dataclass(frozen=True)
class BarChart:
    bars: tuple[Bar, ...]
    width: int
    height: int
    baseline: float
    largest: int
    total: int

    @property
    def first_label(self) -> str:
        return self.bars[0].label if self.bars else ""

    @property
    def last_label(self) -> str:
        return self.bars[-1].label if self.bars else ""


def bar_chart(points: list[tuple[str, int]], width: int = WIDTH, height: int = HEIGHT) -> BarChart:
    """Bars for (label, value) points, left to right, scaled to the largest value. Values
    of 0 get no height; the chart of no points has no bars."""
    baseline = height - BOTTOM
    largest = max((value for _, value in points), default=0)
    slot = width / len(points) if points else 0
    bars = []
    for index, (label, value) in enumerate(points):
        bar_height = (baseline - TOP) * value / largest if largest else 0
        bars.append(
            Bar(
                x=round(index * slot + slot * GAP / 2, 2),
                y=round(baseline - bar_height, 2),
                width=round(slot * (1 - GAP), 2),
                height=round(bar_height, 2),
                label=label,
                value=value,
            )
        )
    return BarChart(
        bars=tuple(bars),
        width=width,
        height=height,
        baseline=baseline,
        largest=largest,
        total=sum(value for _, value in points),
    )
