"""Telegram's flood limits, plus retries of passing network trouble, for every Bot API call.

`AIORateLimiter` waits when Telegram answers 429 (`retry_after`) and keeps to its limits. On top,
a call that fails with a network error, a timeout or a 5xx is tried again a few times with a short
pause, so a reply (or a staff answer) survives a hiccup. Refusals are not retried: 400 (bad
request) and 403 (the user blocked the bot) will not change. A retried call whose first attempt
did arrive after all can show up twice; a lost answer would be worse.

Messages to groups are not retried here: they come from the staff desk's outbox, which tries
again itself and empties a copy that arrived although its send seemed to fail (desk.py).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Coroutine
from typing import Any

from telegram.error import BadRequest, NetworkError
from telegram.ext import AIORateLimiter

logger = logging.getLogger(__name__)

ATTEMPTS = 3
PAUSE_SECONDS = 1.0  # then 2 s: within a few seconds, as newcomers expect


class RetryingRateLimiter(AIORateLimiter):
    async def process_request(
        self,
        callback: Callable[..., Coroutine[Any, Any, bool | dict[str, Any] | list[dict[str, Any]]]],
        args: Any,
        kwargs: dict[str, Any],
        endpoint: str,
        data: dict[str, Any],
        rate_limit_args: int | None,
    ) -> bool | dict[str, Any] | list[dict[str, Any]]:
        for attempt in range(1, ATTEMPTS + 1):
            try:
                return await super().process_request(
                    callback, args, kwargs, endpoint, data, rate_limit_args
                )
            except NetworkError as error:  # includes TimedOut; BadRequest is a refusal
                if isinstance(error, BadRequest) or attempt == ATTEMPTS or _to_a_group(data):
                    raise
                logger.warning("Telegram %s failed (%s); trying again", endpoint, error)
                await asyncio.sleep(PAUSE_SECONDS * attempt)
        raise AssertionError("unreachable")


def _to_a_group(data: dict[str, Any]) -> bool:
    """Groups have negative chat ids."""
    try:
        return int(data.get("chat_id") or 0) < 0
    except (TypeError, ValueError):
        return False
