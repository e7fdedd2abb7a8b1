"""`make bench`, end to end: N users chat with the bot through the local Bot API emulator.

Each of N lanes sends messages one after another, waiting for each reply (as people do), each
message from a new person (the flood guard limits one person to 8 messages in 30 s); lanes run
concurrently. The same load goes to a trivial echo bot on the same emulator in the same run: its
rate is the transport's own ceiling. Loopback only, bounded in messages and time.
Usage: python -m tests.bench_telegram [--users N] [--messages M]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

from bot.core.nlu_data import held_out_examples
from tests.telegram_emulator import REAL_BOT, TEST_TOKEN, Emulator, User, bot_process


async def measure(
    command: list[str], users: int, messages: int, texts: list[str]
) -> dict[str, float]:
    emulator = Emulator(TEST_TOKEN)
    await emulator.start()
    with tempfile.TemporaryDirectory() as directory:
        env = {
            "DATABASE_PATH": str(Path(directory) / "bench.sqlite3"),
            "TELEGRAM_RATE_LIMIT": "off",  # Telegram's flood limits would measure themselves
            "LOG_LEVEL": "WARNING",
            "STAFF_CHAT_ID": "off",  # no staff group: the transport and the model are measured
        }
        try:
            async with bot_process(emulator, env, command=command) as process:
                latencies: list[float] = []

                async def chat(number: int, turns: range) -> None:
                    for turn in turns:
                        # A new person per message: the bot's flood guard would (rightly) slow
                        # down one person writing this fast.
                        person = number * (messages + 1) + turn
                        user, text = User(100_000 + person, "de"), texts[person % len(texts)]
                        started = time.perf_counter()
                        await emulator.send(user, text=text)
                        await emulator.wait_for_messages(user.id, 1, timeout=60)
                        latencies.append((time.perf_counter() - started) * 1000)

                # One message per lane first, not measured: connections opened, caches warm.
                await asyncio.wait_for(
                    asyncio.gather(*(chat(n, range(1)) for n in range(users))), 60
                )
                latencies.clear()
                started = time.perf_counter()
                bot_cpu, emulator_cpu = cpu_seconds(process.pid), time.process_time()
                await asyncio.wait_for(
                    asyncio.gather(*(chat(n, range(1, messages + 1)) for n in range(users))), 600
                )
                elapsed = time.perf_counter() - started
                bot_cpu = cpu_seconds(process.pid) - bot_cpu
                emulator_cpu = time.process_time() - emulator_cpu
        finally:
            await emulator.stop()
    quantiles = statistics.quantiles(latencies, n=100)
    return {
        "rate": len(latencies) / elapsed,
        "p50": quantiles[49],
        "p95": quantiles[94],
        "bot_cpu_ms": bot_cpu * 1000 / len(latencies),
        "emulator_cpu_ms": emulator_cpu * 1000 / len(latencies),
    }


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process so far, from /proc (Linux)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


async def main(users: int, messages: int) -> None:
    texts = [example.text for example in held_out_examples()]
    echo = await measure([sys.executable, "-m", "tests.echo_bot"], users, messages, texts)
    real = await measure(REAL_BOT, users, messages, texts)
    print(f"end to end, {users} concurrent users x {messages} messages (each from a new person):")
    for name, figures in (("echo bot", echo), ("our bot", real)):
        print(
            f"  {name:9} {figures['rate']:6.0f} messages/s   "
            f"reply p50 {figures['p50']:6.1f} ms   p95 {figures['p95']:6.1f} ms   "
            f"CPU per message: bot {figures['bot_cpu_ms']:4.1f} ms, "
            f"emulator and users {figures['emulator_cpu_ms']:4.1f} ms"
        )
    print(f"  our bot reaches {real['rate'] / echo['rate']:.0%} of the echo bot's rate")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(prog="python -m tests.bench_telegram", description=__doc__)
    parser.add_argument("--users", type=int, default=20)
    parser.add_argument("--messages", type=int, default=25)
    arguments = parser.parse_args()
    asyncio.run(main(arguments.users, arguments.messages))
