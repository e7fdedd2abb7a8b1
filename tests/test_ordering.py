"""Updates of one chat in order, other chats at the same time, and a bounded backlog per chat
(bot/telegram/ordering.py), with plain coroutines for updates."""

from __future__ import annotations

import asyncio
from datetime import datetime, timezone

from telegram import Chat, Message, Update

from bot.telegram.ordering import MAX_WAITING_PER_CHAT, PerChatUpdateProcessor


def update_from(chat_id: int, update_id: int) -> Update:
    chat = Chat(chat_id, Chat.PRIVATE)
    return Update(update_id, message=Message(update_id, datetime.now(timezone.utc), chat))


async def test_one_chat_in_order_and_its_backlog_bounded() -> None:
    processor = PerChatUpdateProcessor(4)
    handled: list[tuple[int, int]] = []
    gate = asyncio.Event()

    async def handle(chat_id: int, number: int) -> None:
        await gate.wait()
        handled.append((chat_id, number))

    flood = [
        asyncio.create_task(processor.do_process_update(update_from(1, n), handle(1, n)))
        for n in range(MAX_WAITING_PER_CHAT + 30)
    ]
    other = asyncio.create_task(processor.do_process_update(update_from(2, 0), handle(2, 0)))
    await asyncio.sleep(0)  # every update has reached the processor
    gate.set()
    await asyncio.gather(*flood, other)
    mine = [number for chat, number in handled if chat == 1]
    assert mine == list(range(MAX_WAITING_PER_CHAT))  # in order; the rest was dropped
    assert (2, 0) in handled  # another chat is not held up by the flood
