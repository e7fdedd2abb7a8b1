"""Fair use, end to end: one person flooding the bot (new messages, edits, 👎 replayed) slows
nobody else down, and puts a bounded number of posts into the staff group
(the scenario and its figures: tests/bench_fair_use.py)."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.core.assistant import QUESTIONS_PER_DAY
from tests.bench_fair_use import measure

pytestmark = pytest.mark.e2e


async def test_one_flooder_slows_nobody_and_the_group_gets_a_bounded_number_of_posts(
    tmp_path: Path,
) -> None:
    result = await measure(tmp_path)
    assert result.flood_updates >= 50
    # Within twice the reply time without the flood (and never more than a moment longer:
    # fractions of a second on loopback are noise).
    assert result.p95_flooded <= max(2 * result.p95_alone, result.p95_alone + 0.25), result
    assert result.flood_posts <= QUESTIONS_PER_DAY
