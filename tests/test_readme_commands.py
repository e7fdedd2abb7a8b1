"""Every command of the README's table works right after `make test`, walked through in the
README's order, as a maintainer new to the project would: with the default settings (the live
model, no `.env`), only the database in a folder of the test's own.

A command is either run here, with what its output must show, or named with the place that runs
it already (`make test` itself, or another test). A new row in the README without an entry here
fails the test."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

from bot.paths import ROOT
from tests.helpers import CATALOGUE

pytestmark = [pytest.mark.model, pytest.mark.e2e]

COURSE_ANSWER = CATALOGUE.render("ask_language_course", "de").splitlines()[0]


@dataclass(frozen=True)
class Run:
    """Run `argv` (with `stdin`); it must exit with `exit_code` and print `shows`."""

    argv: list[str]
    shows: str
    stdin: str = ""
    exit_code: int = 0


@dataclass(frozen=True)
class RunElsewhere:
    """Run by `where` already; not run twice."""

    where: str


BOT = [sys.executable, "-m", "bot"]
WALK: dict[str, Run | RunElsewhere] = {
    # The terminal chat, as a newcomer's question would reach it (no token, no .env).
    "make run": Run(
        ["make", "run", "ENV_FILE=/dev/null"], COURSE_ANSWER, stdin="Wo kann ich Deutsch lernen?\n"
    ),
    "make test": RunElsewhere("this very run"),
    "make unit": RunElsewhere("make test (the same tests, among all the others)"),
    "make random": RunElsewhere(
        "make test (the same tests in file order); a run in random order is in docs/benchmarks.md"
    ),
    "make model": RunElsewhere("make test (its prerequisite)"),
    "make train": RunElsewhere("make test on a fresh clone (the same recipe, from scratch)"),
    "make evaluate": Run(["make", "evaluate"], "Held-out set personas"),
    "make promote": RunElsewhere("tests/test_model_loop_e2e.py (promotion under load)"),
    "make bench": RunElsewhere(
        "tests/test_fair_use_e2e.py and tests/test_load_e2e.py (its scenarios; the figures "
        "take minutes and are measured on a quiet machine)"
    ),
    "make validate": RunElsewhere("make test (its prerequisite)"),
    "make compose": RunElsewhere("make test (its prerequisite)"),
    "python -m bot run": RunElsewhere("tests/test_telegram_e2e.py and the other *_e2e tests"),
    "python -m bot chat": RunElsewhere("make run above, and tests/test_with_model.py"),
    "python -m bot ask --jsonl": Run(
        [*BOT, "ask", "--jsonl"],
        '"intent": "ask_language_course"',
        stdin=json.dumps({"text": "Wo kann ich Deutsch lernen?"}) + "\n",
    ),
    # Only the Telegram bot keeps questions for the team: a new database has none yet (the loop
    # with questions, labels and export: tests/test_model_loop_e2e.py).
    "python -m bot review list [--status open]": Run([*BOT, "review", "list"], "0 questions"),
    "python -m bot review export [--output PATH]": Run(
        [*BOT, "review", "export", "--output", "{tmp}/reviewed.yml"], "0 new examples"
    ),
    "python -m bot promote [--candidate PATH] [--force]": RunElsewhere(
        "tests/test_model_loop_e2e.py"
    ),
    "python -m bot backup PATH": Run([*BOT, "backup", "{tmp}/copy.sqlite3"], "Database copied"),
    # No bot runs here: the health check must say so and fail, as Docker expects.
    "python -m bot health": Run([*BOT, "health"], "heartbeat", exit_code=1),
}


def readme_commands() -> list[str]:
    """The commands in the first column of the README's "Commands" table, in order."""
    section = (ROOT / "README.md").read_text(encoding="utf-8").split("## Commands", 1)[1]
    table = section.split("\n## ", 1)[0]
    first_cells = [line.split("|")[1] for line in table.splitlines() if line.startswith("| `")]
    return [command for cell in first_cells for command in re.findall(r"`([^`]+)`", cell)]


def test_every_readme_command_is_walked_through() -> None:
    commands = readme_commands()
    assert len(commands) > 10, "the README's Commands table was not found"
    assert set(commands) == set(WALK), (
        f"in the README, not here: {sorted(set(commands) - set(WALK))}; "
        f"here, not in the README: {sorted(set(WALK) - set(commands))}"
    )


def test_the_readme_commands_work_in_order_right_after_make_test(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k not in ("TELEGRAM_BOT_TOKEN", "MODEL_PATH")}
    env.update(DATABASE_PATH=str(tmp_path / "bot.sqlite3"), LOG_LEVEL="WARNING")
    for command in readme_commands():
        step = WALK[command]
        if isinstance(step, RunElsewhere):
            continue
        argv = [part.replace("{tmp}", str(tmp_path)) for part in step.argv]
        done = subprocess.run(
            argv, input=step.stdin, capture_output=True, text=True, cwd=ROOT, env=env, timeout=600
        )
        output = done.stdout + done.stderr
        assert done.returncode == step.exit_code, f"{command}: exit {done.returncode}\n{output}"
        assert step.shows in output, f"{command} did not show {step.shows!r}:\n{output}"
    assert (tmp_path / "copy.sqlite3").stat().st_size > 0
