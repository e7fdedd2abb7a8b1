"""One person writing very fast must not slow down everyone else.

A sliding window per user: up to `limit` messages per `seconds` are handled normally. Past that,
the first extra message gets one polite "please slow down" (in the user's language), and further
ones in the same window are not processed at all: no model, no database. Nothing a person types at
a human pace ever hits the limit.

The window runs on when each message was sent (Telegram's date), not on when the bot gets to it:
questions that piled up while the bot was down or busy are judged by the pace they were typed at.
"""

from __future__ import annotations

from collections import deque
from enum import Enum

FLOOD_LIMIT = 8
FLOOD_SECONDS = 30.0


class Verdict(Enum):
    HANDLE = "handle"
    WARN = "warn"  # over the limit for the first time in this window: say so once
    IGNORE = "ignore"


class FloodGuard:
    def __init__(self, limit: int = FLOOD_LIMIT, seconds: float = FLOOD_SECONDS) -> None:
        self.limit = limit
        self.seconds = seconds
        self._recent: dict[str, deque[float]] = {}
        self._warned: dict[str, float] = {}

    def check(self, user_id: str, sent_at: float) -> Verdict:
        """The verdict on `user_id`'s message sent at `sent_at` (seconds since the epoch)."""
        recent = self._recent.setdefault(user_id, deque())
        while recent and recent[0] <= sent_at - self.seconds:
            recent.popleft()
        if len(recent) < self.limit:
            recent.append(sent_at)
            self._forget_idle(sent_at)
            return Verdict.HANDLE
        if sent_at - self._warned.get(user_id, -self.seconds) >= self.seconds:
            self._warned[user_id] = sent_at
            return Verdict.WARN
        return Verdict.IGNORE

    def _forget_idle(self, now: float) -> None:
        """Keep memory bounded: users whose window is empty are dropped now and then."""
        if len(self._recent) > 10_000:
            for user_id in [
                u for u, r in self._recent.items() if not r or r[-1] <= now - self.seconds
            ]:
                self._recent.pop(user_id, None)
                self._warned.pop(user_id, None)
