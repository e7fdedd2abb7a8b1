"""Updates from different chats are handled concurrently; updates from one chat in order.

python-telegram-bot handles one update at a time by default: while the bot waits for Telegram to
accept one reply, everyone else waits too. Fully concurrent handling would let a user's second
message overtake the first. This processor gives each chat its own lock, taken *before* one of
the shared slots: a chat's queued updates wait on their lock without holding a slot, so one user
sending a hundred messages occupies one slot, not all of them. A chat's backlog is bounded: past
`MAX_WAITING_PER_CHAT` waiting updates, more from that chat are dropped (the flood guard would
ignore them anyway), so one sender cannot fill the bot's memory.
"""

from __future__ import annotations

import asyncio
import inspect
import logging
import weakref
from collections import Counter
from collections.abc import Awaitable
from typing import Any

from telegram import Update
from telegram.ext import BaseUpdateProcessor

# python-telegram-bot's own slots are taken before `do_process_update` is called (and its
# `process_update` is final), so it gets a bound it never reaches; ours are taken after the lock.
UNBOUNDED = 1 << 20
MAX_WAITING_PER_CHAT = 200  # twice what one getUpdates call brings

logger = logging.getLogger(__name__)


class PerChatUpdateProcessor(BaseUpdateProcessor):
    def __init__(self, max_concurrent_updates: int) -> None:
        super().__init__(UNBOUNDED)
        self._slots = asyncio.Semaphore(max_concurrent_updates)
        # A chat's lock lives only while one of its updates is being handled or waiting.
        self._locks: weakref.WeakValueDictionary[int, asyncio.Lock] = weakref.WeakValueDictionary()
        self._waiting: Counter[int] = Counter()

    async def do_process_update(self, update: object, coroutine: Awaitable[Any]) -> None:
        chat = update.effective_chat if isinstance(update, Update) else None
        if chat is None:
            async with self._slots:
                await coroutine
            return
        if self._waiting[chat.id] >= MAX_WAITING_PER_CHAT:
            if inspect.iscoroutine(coroutine):
                coroutine.close()  # never run: no "was never awaited" warning
            logger.warning("A chat has %d updates waiting; dropping more", MAX_WAITING_PER_CHAT)
            return
        lock = self._locks.get(chat.id)
        if lock is None:
            lock = self._locks[chat.id] = asyncio.Lock()
        self._waiting[chat.id] += 1
        try:
            async with lock, self._slots:
                await coroutine
        finally:
            self._waiting[chat.id] -= 1
            if not self._waiting[chat.id]:
                del self._waiting[chat.id]

    async def initialize(self) -> None:
        return None

    async def shutdown(self) -> None:
        return None
