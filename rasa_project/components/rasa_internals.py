"""Every use of Rasa's internals in this project, in one place, for Rasa 3.6.21 only.

Rasa's public API parses one message at a time (`Agent.parse_message`) and lets DIET predict one
message per network call. Parsing the messages that arrive together as one batch (bot/core/nlu.py,
components/batched_diet.py) is much cheaper, and needs these internals:

- `Agent.processor.graph_runner.run(inputs={PLACEHOLDER_MESSAGE: [...], PLACEHOLDER_TRACKER: None},
  targets=[processor.model_metadata.nlu_target])`: runs the NLU graph on a list of messages
  (rasa/core/processor.py does the same for one message in `parse_message`);
- `DIETClassifier._create_model_data(messages, training=False)`, `DIETClassifier.model
  .run_inference(data, batch_size=...)` and `DIETClassifier._predict_label(...)`: what DIET's own
  `process` does per message, for a whole batch;
- `DaskGraphRunner._instantiated_nodes[name]._component`: the components of a loaded model, for
  the test that compares the batched DIET with Rasa's own (tests/test_with_model.py).

A Rasa upgrade can change any of these: importing this module checks the version, and the tests
compare the batched results with Rasa's own, message by message.
"""

from __future__ import annotations

from typing import Any

import rasa

RASA_VERSION = "3.6.21"
if rasa.__version__ != RASA_VERSION:  # pragma: no cover - only after an upgrade
    raise RuntimeError(
        f"rasa_project/components/rasa_internals.py relies on Rasa {RASA_VERSION}'s internals, "
        f"but Rasa {rasa.__version__} is installed: check each use listed in its docstring"
    )


def parse_batch(agent: Any, texts: list[str]) -> list[dict[str, Any]]:
    """What `Agent.parse_message` does for one text, for several at once. (A dialogue tracker,
    which parse_message also builds, is only read by dialogue policies; this model has none.)"""
    target = agent.processor.model_metadata.nlu_target
    parsed = [
        message.as_dict(only_output_properties=True) for message in run_until(agent, texts, target)
    ]
    if len(parsed) != len(texts):
        raise RuntimeError(f"the model returned {len(parsed)} results for {len(texts)} texts")
    return parsed


def run_until(agent: Any, texts: list[str], target: str) -> list[Any]:
    """The texts as messages, through the model's graph up to and including node `target`."""
    from rasa.core.channels.channel import UserMessage
    from rasa.engine.constants import PLACEHOLDER_MESSAGE, PLACEHOLDER_TRACKER

    results = agent.processor.graph_runner.run(
        inputs={
            PLACEHOLDER_MESSAGE: [UserMessage(text) for text in texts],
            PLACEHOLDER_TRACKER: None,
        },
        targets=[target],
    )
    return list(results[target])


def diet_scores(classifier: Any, messages: list[Any]) -> list[tuple[Any, list[Any]]] | None:
    """DIET's (label, ranking) for each message, from one network call; None when DIET has
    nothing to predict from (its own `process` then handles the messages)."""
    model_data = classifier._create_model_data(messages, training=False)
    if model_data.is_empty():
        return None
    scores = classifier.model.run_inference(model_data, batch_size=len(messages))["i_scores"]
    return [classifier._predict_label({"i_scores": message_scores}) for message_scores in scores]


def components_of(agent: Any) -> dict[str, Any]:
    """The loaded model's components by graph node name, in the graph's order."""
    nodes = agent.processor.graph_runner._instantiated_nodes
    return {name: node._component for name, node in nodes.items()}
