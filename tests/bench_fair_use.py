"""Fair use, measured end to end: 20 newcomers ask while one person floods the bot with new
messages, edits of one message and 👎 presses replayed on one answer. Their reply times with and
without the flood, and how many posts the flood puts into the staff group.

The real bot process with Telegram's rate limits on (as in production: about 20 messages a
minute into a group) and a fake Rasa (the model is not what is measured); loopback only.
`make bench` prints the figures (docs/benchmarks.md); tests/test_fair_use_e2e.py checks them.
Usage: python -m tests.bench_fair_use
"""

from __future__ import annotations

import asyncio
import sqlite3
import statistics
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from tests.fake_rasa import FakeRasa
from tests.helpers import GROUP, Running, bot_with_fake_rasa, new_user, previews_were_off
from tests.telegram_emulator import JSON, PRIVACY_TEXTS, Emulator, User

NEWCOMERS = 20
QUESTIONS_EACH = 5
FLOOD_PER_SECOND = 25
# The fake Rasa answers these; anything else is a question for a person.
ANSWERED = "Kontakt"


@dataclass(frozen=True)
class FairUse:
    p95_alone: float  # seconds, the newcomers' reply times without the flood
    p95_flooded: float  # … and while one person floods
    flood_updates: int  # what the flooder sent
    flood_posts: int  # what reached the staff group of it


async def newcomers_ask(emulator: Emulator) -> list[float]:
    """Each newcomer asks a few questions the bot answers, one after another; reply times."""
    latencies: list[float] = []

    async def chat(user: User) -> None:
        for turn in range(QUESTIONS_EACH):
            before = len(emulator.messages_to(user.id))
            started = time.perf_counter()
            await emulator.send(user, text=f"{ANSWERED} bitte ({turn})")
            await emulator.wait_for_messages(user.id, before + 1, timeout=60)
            latencies.append(time.perf_counter() - started)

    await asyncio.gather(*(chat(new_user()) for _ in range(NEWCOMERS)))
    return latencies


async def flood(emulator: Emulator, flooder: User, stop: asyncio.Event) -> int:
    """New questions, edits of one of them, and 👎 replayed on an answer, at a steady rate."""
    await emulator.send(flooder, text=f"{ANSWERED}?")
    answer = (await emulator.wait_for_messages(flooder.id, 1))[0]
    thumbs_down = next(
        b["callback_data"]
        for row in answer["reply_markup"]["inline_keyboard"]
        for b in row
        if b.get("callback_data", "").startswith("fb:down")
    )
    edited: JSON = await emulator.send(flooder, text="Frage zur Wohnung")
    sent = 2
    while not stop.is_set():
        kind = sent % 3
        if kind == 0:
            await emulator.send(flooder, text=f"Noch eine Frage Nummer {sent}")
        elif kind == 1:
            edited = {**edited, "text": f"Frage zur Wohnung {sent}", "edit_date": int(time.time())}
            await emulator.add_update({"edited_message": edited})
        else:
            await emulator.press(flooder, answer, thumbs_down)
        sent += 1
        await asyncio.sleep(1 / FLOOD_PER_SECOND)
    return sent


async def measure(directory: Path) -> FairUse:
    rasa = FakeRasa(intents={ANSWERED: "ask_contact"})
    async with bot_with_fake_rasa(directory, rasa=rasa, TELEGRAM_RATE_LIMIT="on") as bot:
        alone = await newcomers_ask(bot.emulator)
        flooder, stop = new_user(), asyncio.Event()
        flooding = asyncio.create_task(flood(bot.emulator, flooder, stop))
        try:
            flooded = await newcomers_ask(bot.emulator)
        finally:
            stop.set()
            updates = await flooding
        posts = await posts_of_the_flood(bot, flooder)
        assert previews_were_off(bot.emulator)
    return FairUse(p95(alone), p95(flooded), updates, posts)


async def posts_of_the_flood(bot: Running, flooder: User) -> int:
    """Once the bot has handled all the flooder sent, and posted what it kept: how many posts."""
    emulator = bot.emulator
    # The flooder's chat is handled in order; a message dated a minute later is outside the
    # flood window (the guard judges by Telegram's dates), so its answer comes after all else.
    before = len(emulator.messages_to(flooder.id))
    await emulator.send(flooder, text="/privacy", date=int(time.time()) + 60)
    await emulator.wait_for(
        lambda: any(
            m.get("text") in PRIVACY_TEXTS for m in emulator.messages_to(flooder.id)[before:]
        )
    )
    with sqlite3.connect(bot.database) as database:
        kept = database.execute("SELECT COUNT(*) FROM questions").fetchone()[0]

    def posted() -> list[JSON] | None:
        posts = [m for m in emulator.messages_to(GROUP.id) if "❓ Frage #" in m.get("text", "")]
        return posts if len(posts) >= kept else None

    return len(await emulator.wait_for(posted, timeout=120))


def p95(values: list[float]) -> float:
    return statistics.quantiles(values, n=20)[-1]


def main() -> None:
    with tempfile.TemporaryDirectory() as directory:
        result = asyncio.run(measure(Path(directory)))
    print(
        f"fair use ({NEWCOMERS} newcomers × {QUESTIONS_EACH} questions, one flooder at "
        f"{FLOOD_PER_SECOND} updates/s): reply p95 {result.p95_alone * 1000:.0f} ms alone, "
        f"{result.p95_flooded * 1000:.0f} ms flooded; the flood sent {result.flood_updates} "
        f"updates and put {result.flood_posts} posts into the staff group"
    )


if __name__ == "__main__":
    main()
