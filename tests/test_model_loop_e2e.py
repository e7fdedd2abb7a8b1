"""End to end, the maintainers' loop, with the bot running all along: staff label a question the
bot could not answer -> `review export` -> retraining (a copy of rasa_project/, the same command
as `make model`) -> `promote` while newcomers keep writing -> the running bot answers the
once-unanswered question.

The retraining uses the project's pipeline with DIET trained for a few epochs only (about a minute
instead of five): this test is about the loop, not the model's quality. Such a model is worse on
the held-out sets than the live one, so promotion is forced; the gate itself (refusing a worse
model) is tested in test_promote.py."""

from __future__ import annotations

import asyncio
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from bot.core.nlu import TRAINED_MODEL_PATH
from bot.core.store import Store
from bot.paths import RASA_PROJECT_DIR, ROOT
from tests.helpers import (
    ANNA,
    CATALOGUE,
    GROUP,
    NOT_ANSWERED,
    UNANSWERABLE,
    post_of,
    question_id_of,
)
from tests.telegram_emulator import TEST_TOKEN, Emulator, User, bot_process, the_one_reply

pytestmark = [pytest.mark.model, pytest.mark.e2e]
LOAD_USERS = 4
FAST_EPOCHS = 3


def run(command: list[str], env: dict[str, str], cwd: Path = ROOT) -> str:
    finished = subprocess.run(
        command, cwd=cwd, env={**os.environ, **env}, capture_output=True, text=True, timeout=900
    )
    assert finished.returncode == 0, finished.stdout + finished.stderr
    return finished.stdout


async def test_a_labelled_question_teaches_the_running_bot(tmp_path: Path) -> None:
    project = tmp_path / "rasa_project"
    shutil.copytree(
        RASA_PROJECT_DIR,
        project,
        ignore=shutil.ignore_patterns("models", ".rasa", "results", "__pycache__"),
    )
    config = project / "config.yml"
    config.write_text(re.sub(r"epochs: \d+", f"epochs: {FAST_EPOCHS}", config.read_text()))
    live = tmp_path / "live.tar.gz"
    shutil.copyfile(TRAINED_MODEL_PATH, live)
    database, log_path = tmp_path / "bot.sqlite3", tmp_path / "bot.log"
    env = {"DATABASE_PATH": str(database), "MODEL_PATH": str(live), "LOG_LEVEL": "INFO"}
    server = Emulator(TEST_TOKEN)
    server.add_group(GROUP, ANNA)
    await server.start()
    try:
        with log_path.open("w") as log:
            async with bot_process(server, {**env, "STAFF_CHAT_ID": str(GROUP.id)}, log) as bot:
                # A newcomer asks; staff label the question in the group.
                newcomer = User(8001, "de")
                await server.send(newcomer, text=UNANSWERABLE)
                assert (await server.wait_for_messages(newcomer.id, 1))[-1]["text"] in NOT_ANSWERED
                post = await server.wait_for(post_of(server, UNANSWERABLE))
                question_id = question_id_of(post)
                await server.press(ANNA, post, f"label:{question_id}:ask_language_course")
                await server.wait_for(lambda: "✅" in str(server.messages_to(GROUP.id)[-1]))

                # The maintainer's commands, while the bot runs (in threads: the emulator in this
                # event loop keeps answering the bot meanwhile).
                listing = await asyncio.to_thread(
                    run, [sys.executable, "-m", "bot", "review", "list"], env
                )
                assert f"ask_language_course  {UNANSWERABLE}" in listing
                reviewed = project / "data" / "nlu" / "reviewed.yml"
                exported = await asyncio.to_thread(
                    run,
                    [sys.executable, "-m", "bot", "review", "export", "--output", str(reviewed)],
                    env,
                )
                assert "1 new examples" in exported and UNANSWERABLE in reviewed.read_text()
                await asyncio.to_thread(
                    run,
                    [sys.executable, "-m", "rasa", "train", "nlu", "--fixed-model-name", "nlu",
                     "--out", "models", "--quiet"],
                    {"RASA_TELEMETRY_ENABLED": "false"},
                    project,
                )  # fmt: skip

                # Promotion under load: every message gets exactly one reply, none an error.
                writing = asyncio.Event()
                writing.set()
                load = [
                    asyncio.create_task(keep_writing(server, n, writing)) for n in range(LOAD_USERS)
                ]
                try:
                    promoted = await asyncio.to_thread(
                        run,
                        [sys.executable, "-m", "bot", "promote", "--force", "--candidate",
                         str(project / "models" / "nlu.tar.gz")],
                        env,
                    )  # fmt: skip
                    assert "live model vs candidate" in promoted and "Promoted" in promoted, (
                        promoted
                    )
                    await wait_for_log(log_path, "NLU model reloaded")
                    # Some newcomers are answered by the new model, too.
                    answered = len(server.sent)
                    await server.wait_for(lambda: len(server.sent) >= answered + 2 * LOAD_USERS)
                finally:
                    writing.clear()
                    sent = await asyncio.wait_for(asyncio.gather(*load), 90)
                assert min(sent) > 0
                assert bot.poll() is None

                # The once-unanswered question now gets the answer.
                again = User(8002, "de")
                await server.send(again, text=UNANSWERABLE)
                answer = (await server.wait_for_messages(again.id, 1))[-1]
                assert answer["text"] == CATALOGUE.render("ask_language_course", "de")
    finally:
        await server.stop()
    assert "Traceback" not in log_path.read_text()
    store = await Store.open(database)
    try:
        question = await store.question(question_id)
        assert question is not None and question.label == "ask_language_course"
    finally:
        await store.close()


async def keep_writing(server: Emulator, number: int, writing: asyncio.Event) -> int:
    """Newcomers writing one after another (each a new one: the flood guard limits a single
    person to 8 messages in 30 s) until told to stop; returns how many wrote."""
    texts = ["Deutschkurs?", "Wo ist das Büro?", "Beratung bitte", "Danke!"]
    users: list[User] = []
    while writing.is_set():
        user = User(100_000 + number * 10_000 + len(users), "de")
        users.append(user)
        await server.send(user, text=texts[len(users) % len(texts)])
        reply = (await server.wait_for_messages(user.id, 1, timeout=60))[0]
        assert reply["text"] != CATALOGUE.render("error", "de")
    for user in users:  # one reply each, and nothing more on its way
        await the_one_reply(server, user)
    return len(users)


async def wait_for_log(path: Path, text: str, timeout: float = 120) -> None:
    for _ in range(int(timeout * 4)):
        if text in path.read_text():
            return
        await asyncio.sleep(0.25)
    raise AssertionError(f"{text!r} not in the bot's log after {timeout} s")
