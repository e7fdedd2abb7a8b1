"""`python -m bot <command>`: the bot's command line (see README)."""

from __future__ import annotations

import argparse
import asyncio
import sys
from pathlib import Path

from bot.settings import Settings, SettingsError, configure_logging


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bot", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("run", help="run the Telegram bot (TELEGRAM_BOT_TOKEN must be set)")
    commands.add_parser("chat", help="chat with the assistant in this terminal")
    ask = commands.add_parser("ask", help="answer questions given as JSON lines on stdin")
    ask.add_argument("--jsonl", action="store_true", required=True, help="JSON lines in and out")
    ask.add_argument("--database", help="SQLite file for this run (':memory:' keeps nothing)")
    commands.add_parser("evaluate", help="held-out accuracy per language and language detection")
    review = commands.add_parser("review", help="questions labelled by staff -> training data")
    review_commands = review.add_subparsers(dest="review_command", required=True)
    listing = review_commands.add_parser("list", help="the stored questions, oldest first")
    listing.add_argument(
        "--status", choices=("open", "answered", "dismissed", "all"), default="all"
    )
    exporting = review_commands.add_parser("export", help="labelled questions -> reviewed.yml")
    exporting.add_argument(
        "--output", type=Path, help="default: rasa_project/data/nlu/reviewed.yml"
    )
    promote = commands.add_parser("promote", help="put the trained model live if it is not worse")
    promote.add_argument("--candidate", type=Path, help="default: rasa_project/models/nlu.tar.gz")
    promote.add_argument("--force", action="store_true", help="promote even if it is worse")
    commands.add_parser("health", help="is the running bot alive? (Docker's health check)")
    backup = commands.add_parser(
        "backup", help="consistent copy of the database, also while running"
    )
    backup.add_argument("path", type=Path)
    args = parser.parse_args(argv)

    try:
        settings = Settings.from_env()
    except SettingsError as error:
        print(f"Configuration error: {error}", file=sys.stderr)
        return 2
    # The evaluation's report is the output (also of promote); per-message lines would bury it.
    configure_logging("WARNING" if args.command in ("evaluate", "promote") else settings.log_level)

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
        from bot.lifecycle.evaluate import main as evaluate

        return asyncio.run(evaluate(settings))
    if args.command == "health":
        from bot.health import check

        return 0 if check(settings, sys.stdout) else 1
    if args.command == "promote":
        from bot.core.nlu import TRAINED_MODEL_PATH
        from bot.lifecycle.promote import promote as promote_model

        candidate = args.candidate or TRAINED_MODEL_PATH
        return 0 if asyncio.run(promote_model(settings, candidate, sys.stdout, args.force)) else 1
    return asyncio.run(database_command(settings, args))


async def database_command(settings: Settings, args: argparse.Namespace) -> int:
    """The commands that work on the bot's database (also while the bot runs)."""
    from bot.core.store import Store
    from bot.lifecycle import review

    store = await Store.open(settings.database_path)
    try:
        if args.command == "backup":
            await store.backup(args.path)
            print(f"Database copied to {args.path}")
        elif args.review_command == "list":
            status = None if args.status == "all" else args.status
            await review.print_list(store, status, sys.stdout)
        else:
            output = args.output or review.REVIEWED_PATH
            review.print_export(await review.export(store, output), output, sys.stdout)
    finally:
        await store.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
