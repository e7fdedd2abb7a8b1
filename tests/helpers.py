"""What several test modules share: the staff group and its people, fresh newcomers, finding the
bot's posts in the group, questions kept and backdated in a store, the settings the code reads."""

from __future__ import annotations

import contextlib
import itertools
import re
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

from bot.core.answers import Catalogue
from bot.core.store import KeptQuestion, Store, timestamp, utc_now
from bot.paths import ROOT
from tests.fake_rasa import FakeRasa
from tests.telegram_emulator import JSON, TEST_TOKEN, Emulator, Group, User, serving_a_bot

CATALOGUE = Catalogue()
GROUP = Group(-1001234567890, "Integrationsbüro Team")
ANNA = User(9001, "de", "Anna")  # a member of the staff group
MALLORY = User(9666, "de", "Mallory")  # not a member
# The bot cannot answer this question (checked with today's trained model), so a person has to.
# If a better model learns to answer it, pick another that `python -m bot ask` falls back on.
UNANSWERABLE = "Alphabetisierung für meine Mutter"
# What a newcomer is told when a person has to answer (in German: the questions are German).
NOT_ANSWERED = {CATALOGUE.render(key, "de") for key in ("nlu_fallback", "out_of_scope")}
# Each newcomer of a test run gets an id of their own, whichever module creates them.
_user_ids = itertools.count(1_000_000)


def new_user(language_code: str | None = "de") -> User:
    return User(next(_user_ids), language_code)


def staff_env(database: Path, group: Group = GROUP) -> dict[str, str]:
    return {"DATABASE_PATH": str(database), "STAFF_CHAT_ID": str(group.id), "LOG_LEVEL": "INFO"}


@contextlib.asynccontextmanager
async def serving_with_a_staff_group(database: Path) -> AsyncIterator[Emulator]:
    """The real bot (the trained model in-process) against a new emulator, with the office's
    group and Anna in it; its log is `bot.log` beside the database."""
    emulator = Emulator(TEST_TOKEN)
    emulator.add_group(GROUP, ANNA)
    async with serving_a_bot(emulator, staff_env(database), database.parent / "bot.log") as server:
        yield server


def post_of(
    emulator: Emulator, text: str, chat_id: int = GROUP.id, since: int = 0
) -> Callable[[], JSON | None]:
    """The bot's message in the group (latest version) whose text contains `text`, among the
    messages (and edits) from the `since`-th on."""

    def find() -> JSON | None:
        sent = emulator.messages_to(chat_id)[since:]
        posts = [m for m in sent if text in str(m.get("text", ""))]
        return posts[-1] if posts else None

    return find


def next_message(emulator: Emulator, chat_id: int) -> Callable[[], JSON | None]:
    """The first message the bot sends (or edits) in `chat_id` from now on."""
    since = len(emulator.messages_to(chat_id))

    def find() -> JSON | None:
        sent = emulator.messages_to(chat_id)[since:]
        return sent[0] if sent else None

    return find


def media_in_group(
    emulator: Emulator, kind: str, file_id: str, chat_id: int = GROUP.id
) -> Callable[[], JSON | None]:
    """The bot's latest message in the group that carries the file `file_id` (a voice note…)."""

    def find() -> JSON | None:
        for message in reversed(emulator.messages_to(chat_id)):
            media = message.get(kind)
            if isinstance(media, list):
                media = media[-1]
            if isinstance(media, dict) and media.get("file_id") == file_id:
                return message
        return None

    return find


def question_id_of(post: JSON) -> int:
    match = re.search(r"Frage #(\d+)", str(post["text"]))
    assert match, post["text"]
    return int(match.group(1))


def callback_data(message: JSON) -> list[str]:
    rows = (message.get("reply_markup") or {}).get("inline_keyboard", [])
    return [button.get("callback_data") or button.get("url") for row in rows for button in row]


def latest_version(emulator: Emulator, message: JSON) -> JSON:
    """`message` as it is now (the bot may have edited it since)."""
    chat_id, message_id = message["chat"]["id"], message["message_id"]
    versions = [
        m for m in emulator.sent if m["chat"]["id"] == chat_id and m["message_id"] == message_id
    ]
    return versions[-1]


def previews_were_off(emulator: Emulator) -> bool:
    """Every text the bot sent or edited went without a link preview."""
    texts = [p for m, p in emulator.calls if m in ("sendMessage", "editMessageText")]
    return bool(texts) and all(
        (p.get("link_preview_options") or {}).get("is_disabled") is True for p in texts
    )


@dataclass
class Running:
    """A real bot process against the emulator, with a fake Rasa (no model: starts in seconds)."""

    emulator: Emulator
    rasa: FakeRasa
    database: Path
    log: Path
    env: dict[str, str]


@contextlib.asynccontextmanager
async def bot_with_fake_rasa(
    directory: Path, emulator: Emulator | None = None, rasa: FakeRasa | None = None, **env: str
) -> AsyncIterator[Running]:
    """The real bot (`python -m bot run`) with the staff group GROUP (member: ANNA), asking a fake
    Rasa; `env` adds or overrides settings. Pass the `emulator` of an earlier run to restart the
    bot where Telegram's side is as that run left it. On exit, the bot must have logged no
    traceback, and every message it sent must have gone without a link preview."""
    rasa = rasa or FakeRasa()
    if emulator is None:
        emulator = Emulator(TEST_TOKEN)
        emulator.add_group(GROUP, ANNA)
    database = directory / "bot.sqlite3"
    await rasa.start()
    settings = {**staff_env(database), **rasa.env(), **env}
    try:
        async with serving_a_bot(emulator, settings, directory / "bot.log"):
            yield Running(emulator, rasa, database, directory / "bot.log", settings)
    finally:
        await rasa.stop()
    assert not emulator.sent or previews_were_off(emulator)


async def keep_out_of_scope(
    store: Store, user: str | None = "u1", text: str = "Frage?", **extra: object
) -> KeptQuestion:
    """A German out-of-scope question kept for a person, as the assistant would keep it."""
    return await store.keep_question(
        user_id=user, text=text, language="de", reply_language="de", intent="out_of_scope",
        confidence=0.9, reason="out_of_scope", **extra,  # type: ignore[arg-type]
    )  # fmt: skip


async def keep(store: Store, user: str | None = "u1", text: str = "Frage?", **extra: object) -> int:
    """The number of a new question kept for a person."""
    kept = await keep_out_of_scope(store, user, text, **extra)
    assert kept.question_id is not None
    return kept.question_id


async def backdate(store: Store, table: str, where: str, days: float) -> None:
    moment = timestamp(utc_now() - timedelta(days=days))
    column = {"questions": "created_at", "users": "last_seen"}[table]
    await store._db.execute(f"UPDATE {table} SET {column} = ? WHERE {where}", (moment,))


def variables_read_by_the_code() -> set[str]:
    source = (ROOT / "bot/settings.py").read_text()
    return set(re.findall(r'get\("([A-Z_]+)"\)', source))
