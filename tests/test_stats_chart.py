"""/stats as a picture: a PNG of the last weeks, drawn from counts only."""

from __future__ import annotations

import io

from PIL import Image

from bot.core.store import Store
from bot.telegram.staff_texts import StaffTexts
from bot.telegram.stats_chart import Week, chart


def test_the_chart_is_a_png_with_a_bar_per_week() -> None:
    weeks = [
        Week(
            f"KW {n}",
            {"Arabisch": n, "Türkisch": 2},
            {"Deutschkurs": 1},
            {"beantwortet": 1, "offen": n % 2},
        )
        for n in range(40, 48)
    ]
    picture = Image.open(io.BytesIO(chart(weeks, StaffTexts().chart_texts())))
    assert picture.format == "PNG" and picture.size[0] >= 900
    # The first panel's bars are drawn in the first colour: there is some of it.
    colours = {colour for _, colour in picture.getcolors(maxcolors=100_000) or []}
    assert (31, 119, 180) in colours


async def test_the_weekly_figures_carry_no_text(store: Store) -> None:
    await store.count("message", "ar", "ask_contact")
    await store.keep_question(
        user_id="u1", text="geheim", language="ar", reply_language="ar", intent="greet",
        confidence=0.2, reason="fallback",
    )  # fmt: skip
    [(_, language, count)] = await store.daily_messages("2000-01-01")
    assert (language, count) == ("ar", 1)
    [(_, status, topic)] = await store.questions_since("2000-01-01")
    assert (status, topic) == ("open", "fallback")
