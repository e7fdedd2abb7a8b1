"""InProcessNlu parses the messages that arrive together as one batch (unit tests: Rasa's graph
runner replaced by a stand-in; the real model is in test_with_model.py)."""

from __future__ import annotations

import asyncio
import threading
from dataclasses import dataclass, field
from typing import Any

import pytest

from bot.core.nlu import MAX_BATCH, MAX_PARSE_CHARS, InProcessNlu, NluUnavailable, import_rasa


@dataclass
class Parsed:
    text: str

    def as_dict(self, only_output_properties: bool) -> dict[str, Any]:
        return {"intent": {"name": f"about {self.text}", "confidence": 0.9}}


@dataclass
class GraphRunner:
    """Answers each text with the intent "about <text>" and records the batches it was given."""

    batches: list[list[str]] = field(default_factory=list)
    failing: bool = False
    release: threading.Event = field(default_factory=threading.Event)
    # Set when a batch is in the model (the parser thread waits for `release` there).
    entered: threading.Event = field(default_factory=threading.Event)

    def run(self, inputs: dict[str, Any], targets: list[str]) -> dict[str, list[Parsed]]:
        self.entered.set()
        self.release.wait(timeout=5)
        texts = [message.text for message in inputs["__message__"]]
        self.batches.append(texts)
        if self.failing:
            raise ValueError("broken model")
        return {targets[0]: [Parsed(text) for text in texts]}


@dataclass
class Agent:
    graph_runner: GraphRunner

    @property
    def processor(self) -> Any:
        return self

    @property
    def model_metadata(self) -> Any:
        return self

    nlu_target = "run_RegexMessageHandler"


async def in_the_model(runner: GraphRunner) -> None:
    """Returns once a batch has reached the model (which holds it until released)."""
    assert await asyncio.to_thread(runner.entered.wait, 5), "no batch reached the model"


@pytest.fixture
def runner() -> GraphRunner:
    import_rasa()  # before the parser thread imports its message type
    runner = GraphRunner()
    runner.release.set()
    return runner


async def test_messages_arriving_together_are_parsed_in_one_batch(runner: GraphRunner) -> None:
    nlu = InProcessNlu(Agent(runner))
    texts = [f"question {number}" for number in range(10)]
    results = await asyncio.gather(*(nlu.parse(text) for text in texts))
    assert [result.intent for result in results] == [f"about {text}" for text in texts]
    assert runner.batches == [texts]


async def test_messages_arriving_while_the_model_is_busy_wait_for_the_next_batch(
    runner: GraphRunner,
) -> None:
    nlu = InProcessNlu(Agent(runner))
    runner.release.clear()
    first = asyncio.create_task(nlu.parse("first"))
    await in_the_model(runner)
    later = [asyncio.create_task(nlu.parse(f"later {number}")) for number in range(3)]
    await asyncio.sleep(0)  # one turn of the loop: each task queues its text, then waits
    runner.release.set()
    await asyncio.gather(first, *later)
    assert runner.batches == [["first"], ["later 0", "later 1", "later 2"]]


async def test_a_large_burst_is_split_into_batches_of_at_most_max_batch(
    runner: GraphRunner,
) -> None:
    nlu = InProcessNlu(Agent(runner))
    texts = [str(number) for number in range(MAX_BATCH * 2 + 1)]
    results = await asyncio.gather(*(nlu.parse(text) for text in texts))
    assert [result.intent for result in results] == [f"about {text}" for text in texts]
    assert [len(batch) for batch in runner.batches] == [MAX_BATCH, MAX_BATCH, 1]


async def test_a_long_text_is_cut_before_the_model(runner: GraphRunner) -> None:
    await InProcessNlu(Agent(runner)).parse("x" * 5000)
    assert runner.batches == [["x" * MAX_PARSE_CHARS]]


async def test_a_failing_model_fails_its_batch_only(runner: GraphRunner) -> None:
    nlu = InProcessNlu(Agent(runner))
    runner.failing = True
    results = await asyncio.gather(*(nlu.parse(str(n)) for n in range(3)), return_exceptions=True)
    assert all(isinstance(result, NluUnavailable) for result in results)
    runner.failing = False
    assert (await nlu.parse("again")).intent == "about again"


async def test_a_caller_that_gives_up_does_not_hold_up_the_others(runner: GraphRunner) -> None:
    nlu = InProcessNlu(Agent(runner))
    runner.release.clear()
    impatient = asyncio.create_task(nlu.parse("impatient"))
    patient = asyncio.create_task(nlu.parse("patient"))
    await in_the_model(runner)  # both in the same batch
    impatient.cancel()
    runner.release.set()
    assert (await patient).intent == "about patient"
    with pytest.raises(asyncio.CancelledError):
        await impatient


async def test_a_model_that_hangs_answers_unavailable_within_the_timeout(
    runner: GraphRunner, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("bot.core.nlu.PARSE_TIMEOUT_SECONDS", 0.1)
    nlu = InProcessNlu(Agent(runner))
    runner.release.clear()  # the model thread is stuck
    with pytest.raises(NluUnavailable, match="no answer within"):
        await nlu.parse("stuck")
    runner.release.set()  # it comes back: the next message is answered again
    assert (await nlu.parse("again")).intent == "about again"
