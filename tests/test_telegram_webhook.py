"""Webhook mode: the real bot registers its webhook and checks the secret on every request."""

from __future__ import annotations

import asyncio
import json
import socket
from pathlib import Path

import httpx
import pytest

from bot.core.answers import Catalogue
from tests.telegram_emulator import TEST_TOKEN, Emulator, User, bot_process

pytestmark = [pytest.mark.model, pytest.mark.e2e]
SECRET = "webhook-secret-for-tests-0123456789"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


async def test_updates_with_the_secret_are_answered_and_others_refused(tmp_path: Path) -> None:
    emulator = Emulator(TEST_TOKEN)
    await emulator.start()
    port = free_port()
    env = {
        "DATABASE_PATH": str(tmp_path / "bot.sqlite3"),
        "STAFF_CHAT_ID": "off",
        "WEBHOOK_URL": "https://bot.example.org/telegram",
        "WEBHOOK_SECRET": SECRET,
        "WEBHOOK_LISTEN": "127.0.0.1",
        "WEBHOOK_PORT": str(port),
    }
    try:
        async with bot_process(emulator, env, ready_when="setWebhook"):
            assert emulator.webhook is not None
            assert emulator.webhook["url"] == "https://bot.example.org/telegram"
            assert emulator.webhook["secret_token"] == SECRET

            user = User(7001, "de")
            update = {
                "update_id": 1,
                "message": {
                    "message_id": 1, "date": 1764000000, "chat": user.private_chat(),
                    "from": user.as_json(), "text": "Wo kann ich Deutsch lernen?",
                },
            }  # fmt: skip
            url = f"http://127.0.0.1:{port}/telegram"
            async with httpx.AsyncClient() as client:
                for _ in range(50):  # the webhook server starts right after setWebhook
                    try:
                        refused = await client.post(url, content=json.dumps(update))
                        break
                    except httpx.ConnectError:
                        await asyncio.sleep(0.2)
                wrong = await client.post(
                    url,
                    content=json.dumps(update),
                    headers={"X-Telegram-Bot-Api-Secret-Token": "guess"},
                )
                accepted = await client.post(
                    url,
                    content=json.dumps(update),
                    headers={
                        "X-Telegram-Bot-Api-Secret-Token": SECRET,
                        "Content-Type": "application/json",
                    },
                )
            assert refused.status_code == 403 and wrong.status_code == 403
            assert accepted.status_code == 200
            [reply] = await emulator.wait_for_messages(user.id, 1)
            assert reply["text"] == Catalogue().render("ask_language_course", "de")
    finally:
        await emulator.stop()
