"""/stats as a picture: questions and messages per week, for staff who would rather look than read.

Three small bar charts, labels in German: messages per week by language, questions for the team
per week by topic, and the same questions answered, waiting or sorted out. Drawn with Pillow (no
plotting library in the bot's slim image) in DejaVu Sans, which has every letter of German; the
languages are named in German, so no right-to-left text needs shaping.
"""

from __future__ import annotations

import importlib.util
import io
from dataclasses import dataclass
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

WIDTH, PANEL_HEIGHT, MARGIN = 960, 330, 60
COLOURS = (
    "#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f",
    "#bcbd22", "#17becf",
)  # fmt: skip
# Answered, open, dismissed: in this order, from the bottom of a bar up.
STATUS_COLOURS = ("#2ca02c", "#ff7f0e", "#9e9e9e")


@dataclass(frozen=True)
class ChartTexts:
    """The words on the chart, from data/staff.yml (StaffTexts.chart_texts)."""

    title: str
    headings: tuple[str, str, str]  # messages by language, questions by topic, by status
    statuses: tuple[str, str, str]  # the names of answered, open and dismissed


@dataclass(frozen=True)
class Week:
    """One week of counts (keys are already German names)."""

    label: str  # e.g. "KW 47"
    messages_by_language: dict[str, int]
    questions_by_topic: dict[str, int]
    questions_by_status: dict[str, int]


def _font_path() -> str | None:
    """DejaVu Sans: Debian's package (the bot's image installs it), or the copy matplotlib ships
    (installed with Rasa)."""
    candidates = [Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")]
    spec = importlib.util.find_spec("matplotlib")
    if spec and spec.origin:
        candidates.append(Path(spec.origin).parent / "mpl-data/fonts/ttf/DejaVuSans.ttf")
    return next((str(path) for path in candidates if path.exists()), None)


def _font(size: int) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    path = _font_path()
    return ImageFont.truetype(path, size) if path else ImageFont.load_default()


def chart(weeks: list[Week], texts: ChartTexts) -> bytes:
    """A PNG with the three charts, oldest week on the left."""
    image = Image.new("RGB", (WIDTH, 3 * PANEL_HEIGHT + 70), "white")
    draw = ImageDraw.Draw(image)
    draw.text((MARGIN, 20), texts.title, font=_font(26), fill="black")
    status_colours = dict(zip(texts.statuses, STATUS_COLOURS, strict=True))
    panels = (
        ([w.messages_by_language for w in weeks], None),
        ([w.questions_by_topic for w in weeks], None),
        ([w.questions_by_status for w in weeks], status_colours),
    )
    for number, (heading, (series, colours)) in enumerate(zip(texts.headings, panels, strict=True)):
        top = 70 + number * PANEL_HEIGHT
        _panel(draw, top, heading, [w.label for w in weeks], series, colours)
    output = io.BytesIO()
    image.save(output, format="PNG")
    return output.getvalue()


def _panel(
    draw: ImageDraw.ImageDraw,
    top: int,
    heading: str,
    labels: list[str],
    series: list[dict[str, int]],
    colours: dict[str, str] | None,
) -> None:
    """Stacked bars, one per week, with a legend on the right."""
    small, normal = _font(14), _font(17)
    draw.text((MARGIN, top), heading, font=normal, fill="black")
    present = {key for counts in series for key in counts}
    # In a fixed order where one is given (answered at the bottom), else the largest first.
    keys = [key for key in (colours or {}) if key in present] + sorted(
        present - set(colours or {}), key=lambda k: -sum(c.get(k, 0) for c in series)
    )
    colour = colours or {key: COLOURS[i % len(COLOURS)] for i, key in enumerate(keys)}
    highest = max([sum(counts.values()) for counts in series] + [1])
    left, bottom, height, width = MARGIN, top + PANEL_HEIGHT - 50, PANEL_HEIGHT - 100, 620
    draw.line((left, bottom, left + width, bottom), fill="black")
    step = width / max(len(series), 1)
    for index, counts in enumerate(series):
        x0, y = left + index * step + step * 0.15, float(bottom)
        for key in keys:
            value = counts.get(key, 0)
            if value:
                bar = value / highest * height
                draw.rectangle((x0, y - bar, x0 + step * 0.7, y), fill=colour.get(key, "#444"))
                y -= bar
        total = sum(counts.values())
        draw.text((x0, y - 18), str(total), font=small, fill="black")
        draw.text((x0, bottom + 6), labels[index], font=small, fill="black")
    for index, key in enumerate(keys[:10]):
        row = top + 35 + index * 22
        draw.rectangle((left + width + 30, row, left + width + 44, row + 14), fill=colour.get(key))
        draw.text((left + width + 52, row - 2), key, font=small, fill="black")
