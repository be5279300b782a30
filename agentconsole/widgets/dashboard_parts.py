"""The dashboard's pieces that draw: a figure's tile, a clock's line of bars, a
series' bars from zero.

Names reaching them come from other people (agents' names arrive by sync): they are
shown through :func:`agentconsole.widgets.safe.mail_line`, never as markup.
"""

from __future__ import annotations

from rich.text import Text
from textual.reactive import reactive
from textual.widget import Widget
from textual.widgets import Static

from agentconsole.drilldown import Drill
from agentconsole.sla.durations import format_duration
from agentconsole.sla.report import ClockFigures

BAR_WIDTH = 15
"""Cells of the longest bar (the larger of the p90 and the target)."""


class Tile(Static, can_focus=True):
    """One "now" figure: its name over its number; enter drills down.

    On a small terminal a tile is a few cells wide: the name is cut to one line (with
    an ellipsis) and the note after the number goes first, so the number itself is
    always on screen; only a number wider than the tile wraps, never cut."""

    def __init__(self, label: str, *, id: str) -> None:
        super().__init__(id=id, markup=False)
        self.label = label
        self.drill: Drill | None = None
        """What enter opens (None until the figures have loaded)."""
        self.value = ""
        self.value_style = ""
        self.note: Text | None = None

    def show(
        self, value: str, drill: Drill | None, style: str = "", note: Text | None = None
    ) -> None:
        self.value, self.value_style, self.note = value, f"bold {style}".strip(), note
        self.update(self.fitted(None))
        self.drill = drill

    def fitted(self, width: int | None) -> Text:
        """The name over the number, fitted to ``width`` cells (None: as it comes)."""
        label = Text(self.label, style="dim")
        line = Text(self.value, style=self.value_style)
        room = None if width is None else width - line.cell_len - 2
        if self.note is not None and (room is None or room >= 4):  # a ref cut, never the number
            note = self.note.copy()
            if room is not None:
                note.truncate(room, overflow="ellipsis")
            line.append("  ")
            line.append_text(note)
        if width is not None:
            label.truncate(width, overflow="ellipsis")
        return Text("\n").join([label, line])

    def render(self) -> Text:
        return self.fitted(max(self.content_size.width, 1))

    def on_resize(self) -> None:
        """A narrow tile gives its padding to the number."""
        self.styles.padding = (0, 1) if self.outer_size.width >= NARROW else 0


NARROW = 14
"""A tile narrower than this (borders included) drops its padding."""


def clock_line(name: str, figures: ClockFigures) -> Text:
    """ "first response  median 5h10m ▇▇▇  p90 20h ▇▇▇▇▇▇  target 24h  met 80% ...":
    business time, the bars red past the target."""
    line = Text(f"{name:<15}", style="bold")
    if not figures.measured:
        line.append(f"none measured yet ({figures.held:,} held to a target)", style="dim")
        return line
    scale = max(figures.p90 or 0, figures.target or 0, 1)
    for label, value in (("median", figures.median), ("p90", figures.p90)):
        seconds = value or 0
        late = figures.target is not None and seconds > figures.target
        line.append(f" {label} {format_duration(seconds):>7} ")
        line.append(bar(seconds, scale, BAR_WIDTH), style="red" if late else "green")
    target = "per policy" if figures.target is None else format_duration(figures.target)
    line.append(f"  target {target}")
    share = figures.met_share
    if share is not None:
        style = "bold green" if figures.breached == 0 else "bold"
        line.append(f"  met {share:.0%}", style=style)
    line.append(f"  ({figures.met:,} met, {figures.breached:,} breached)", style="dim")
    return line


def bar(value: int, scale: int, width: int) -> str:
    """``value`` of ``scale`` as a bar of ``width`` cells, in eighths of a cell."""
    eighths = round(max(0, min(value, scale)) * width * 8 / scale)
    full, part = divmod(eighths, 8)
    partial = " ▏▎▍▌▋▊▉"[part] if part else ""
    return ("█" * full + partial).ljust(width)


EIGHTHS = " ▁▂▃▄▅▆▇█"
"""A cell filled from the bottom, in eighths."""


class Bars(Widget):
    """A sparkline whose bars start from zero (Textual's ``Sparkline`` scales between
    the data's minimum and maximum: 174 drew empty and 178 full, a tiny difference
    shown as everything). Each value is a bar of height ``value / max`` of the widget;
    a value above zero gets at least an eighth of a cell, so it never looks like none.
    More values than cells: each cell shows the largest of its share."""

    data: reactive[tuple[int, ...]] = reactive(tuple, layout=False)
    """The values drawn, oldest first."""

    def __init__(self, *, style: str = "", id: str | None = None) -> None:
        super().__init__(id=id)
        self.bar_style = style

    def render(self) -> Text:
        return Text("\n").join(
            Text(line, style=self.bar_style)
            for line in bar_lines(
                list(self.data), self.content_size.width, self.content_size.height
            )
        )


def bar_lines(values: list[int], width: int, height: int) -> list[str]:
    """``values`` as ``height`` lines of ``width`` cells, bars scaled from zero to the
    largest value (the top line first)."""
    if width <= 0 or height <= 0:
        return []
    if not values:
        return [" " * width] * height
    cells = [
        max(
            values[
                len(values) * i // width : max(
                    len(values) * (i + 1) // width, len(values) * i // width + 1
                )
            ]
        )
        for i in range(width)
    ]
    top = max(max(values), 1)
    levels = height * 8
    heights = [max(round(v * levels / top), 1 if v > 0 else 0) for v in cells]
    return [
        "".join(EIGHTHS[max(0, min(8, h - 8 * (height - 1 - row)))] for h in heights)
        for row in range(height)
    ]
