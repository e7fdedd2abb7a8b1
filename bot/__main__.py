"""`python -m bot <command>`: the bot's command line (see README)."""

from __future__ import annotations

import argparse
import asyncio
import logging
import sys

from bot.settings import Settings, SettingsError


def configure_logging(level: str) -> None:
    logging.basicConfig(
        level=level, format="%(asctime)s %(levelname)s %(name)s: %(message)s", stream=sys.stderr
    )
    # Libraries log request URLs (with the bot token) and their own chatter at INFO.
    for noisy in ("httpx", "httpcore", "rasa", "tensorflow", "absl", "matplotlib"):
        logging.getLogger(noisy).setLevel(logging.WARNING)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bot", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("run", help="run the Telegram bot (TELEGRAM_BOT_TOKEN must be set)")
    commands.add_parser("chat", help="chat with the assistant in this terminal")
    ask = commands.add_parser("ask", help="answer questions given as JSON lines on stdin")
    ask.add_argument("--jsonl", action="store_true", required=True, help="JSON lines in and out")
    ask.add_argument("--database", help="SQLite file for this run (':memory:' keeps nothing)")
    commands.add_parser("evaluate", help="held-out accuracy per language and language detection")
    args = parser.parse_args(argv)

    try:
        settings = Settings.from_env()
    except SettingsError as error:
        print(f"Configuration error: {error}", file=sys.stderr)
        return 2
    # The evaluation's report is its output; per-message log lines would bury it.
    configure_logging("WARNING" if args.command == "evaluate" else settings.log_level)

    if args.command == "run":
        from bot.telegram.app import run

        try:
            run(settings)
        except SettingsError as error:
            print(f"Configuration error: {error}", file=sys.stderr)
            return 2
        return 0
    if args.command == "chat":
        from bot.cli import chat

        asyncio.run(chat(settings))
        return 0
    if args.command == "ask":
        from bot.cli import ask_jsonl

        return 1 if asyncio.run(ask_jsonl(settings, args.database)) else 0
    if args.command == "evaluate":
        from bot.evaluate import main as evaluate

        return asyncio.run(evaluate(settings))
    return 2


if __name__ == "__main__":
    sys.exit(main())
