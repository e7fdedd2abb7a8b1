"""The flood guard on its own, with the times at which messages were sent."""

from __future__ import annotations

from bot.telegram.flood import FloodGuard, Verdict

SENT = 1_700_000_000.0  # when the first message was sent (seconds since the epoch)


def test_a_human_pace_is_never_limited() -> None:
    guard = FloodGuard(limit=8, seconds=30)
    for n in range(100):
        assert guard.check("a", SENT + 4 * n) is Verdict.HANDLE  # a message every four seconds


def test_a_flood_gets_one_warning_then_silence_then_service_again() -> None:
    guard = FloodGuard(limit=8, seconds=30)
    verdicts = [guard.check("a", SENT) for _ in range(20)]
    assert verdicts == [Verdict.HANDLE] * 8 + [Verdict.WARN] + [Verdict.IGNORE] * 11
    assert guard.check("b", SENT) is Verdict.HANDLE  # others are not affected
    assert guard.check("a", SENT + 31) is Verdict.HANDLE


def test_questions_that_waited_for_the_bot_are_judged_by_when_they_were_sent() -> None:
    """Ten questions typed a minute apart while the bot was down all arrive at its restart."""
    guard = FloodGuard(limit=8, seconds=30)
    assert all(guard.check("a", SENT + 60 * n) is Verdict.HANDLE for n in range(10))
