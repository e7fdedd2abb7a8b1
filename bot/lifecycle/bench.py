"""`make bench`: how fast and how big the in-process assistant is on this machine.

Prints model load time, latency of `Assistant.handle` (p50/p95), messages per second, peak memory,
and the time a full training of the NLU model takes. Run it on an otherwise idle machine.
Usage: python -m bot.lifecycle.bench [--rounds N] [--skip-training]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bot.core.assistant import Incoming
from bot.core.nlu import TRAINED_MODEL_PATH
from bot.core.nlu_data import held_out_examples
from bot.paths import RASA_PROJECT_DIR
from bot.runtime import running_assistant
from bot.settings import Settings, configure_logging


def peak_rss_mb(who: int = resource.RUSAGE_SELF) -> float:
    return resource.getrusage(who).ru_maxrss / 1024  # Linux reports KiB


def percentile(values: list[float], share: float) -> float:
    return statistics.quantiles(values, n=100)[int(share * 100) - 1]


async def measure_assistant(rounds: int) -> None:
    with tempfile.TemporaryDirectory() as directory:
        # The same wiring as the bot; the model load dominates opening it.
        settings = Settings(
            database_path=Path(directory) / "bench.sqlite3", model_path=TRAINED_MODEL_PATH
        )
        started = time.perf_counter()
        async with running_assistant(settings) as assistant:
            load_seconds = time.perf_counter() - started
            texts = [example.text for example in held_out_examples()]
            await assistant.handle(Incoming("warm-up"))
            latencies: list[float] = []
            started = time.perf_counter()
            for round_number in range(rounds):
                for number, text in enumerate(texts):
                    # Users recur, as in real chats: language memory and the database are used.
                    message = Incoming(text, user_id=f"user-{number % 200}-{round_number}")
                    before = time.perf_counter()
                    await assistant.handle(message)
                    latencies.append((time.perf_counter() - before) * 1000)
            total = time.perf_counter() - started
    print(f"model load:          {load_seconds:6.1f} s")
    print(f"messages:            {len(latencies):6d} (held-out set x {rounds})")
    print(f"latency p50:         {percentile(latencies, 0.50):6.1f} ms")
    print(f"latency p95:         {percentile(latencies, 0.95):6.1f} ms")
    print(
        f"throughput:          {len(latencies) / total:6.0f} messages/s (one process, sequential)"
    )
    print(f"peak RSS:            {peak_rss_mb():6.0f} MB")


def measure_training() -> None:
    with tempfile.TemporaryDirectory() as directory:
        started = time.perf_counter()
        # A fresh cache: Rasa would otherwise reuse components trained before.
        cache = Path(directory) / "cache"
        subprocess.run(
            [sys.executable, "-m", "rasa", "train", "nlu", "--out", directory, "--quiet"],
            cwd=RASA_PROJECT_DIR,
            check=True,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            env={
                **os.environ,
                "RASA_TELEMETRY_ENABLED": "false",
                "RASA_CACHE_DIRECTORY": str(cache),
            },
        )
        seconds = time.perf_counter() - started
    print(f"training (full):     {seconds:6.0f} s on {os.cpu_count()} cores")
    print(f"training peak RSS:   {peak_rss_mb(resource.RUSAGE_CHILDREN):6.0f} MB")


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bot.lifecycle.bench", description=__doc__)
    parser.add_argument("--rounds", type=int, default=3, help="passes over the held-out set")
    parser.add_argument("--skip-training", action="store_true", help="do not time a training")
    args = parser.parse_args()
    configure_logging("WARNING")
    asyncio.run(measure_assistant(args.rounds))
    if not args.skip_training:
        measure_training()


if __name__ == "__main__":
    main()
