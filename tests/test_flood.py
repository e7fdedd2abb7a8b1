"""The flood guard on its own, with a clock the test moves."""

from __future__ import annotations

from bot.flood import FloodGuard, Verdict


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_a_human_pace_is_never_limited() -> None:
    clock = Clock()
    guard = FloodGuard(limit=8, seconds=30, clock=clock)
    for _ in range(100):
        assert guard.check("a") is Verdict.HANDLE
        clock.now += 4  # a message every four seconds


def test_a_flood_gets_one_warning_then_silence_then_service_again() -> None:
    clock = Clock()
    guard = FloodGuard(limit=8, seconds=30, clock=clock)
    verdicts = [guard.check("a") for _ in range(20)]
    assert verdicts == [Verdict.HANDLE] * 8 + [Verdict.WARN] + [Verdict.IGNORE] * 11
    assert guard.check("b") is Verdict.HANDLE  # others are not affected
    clock.now += 31
    assert guard.check("a") is Verdict.HANDLE
