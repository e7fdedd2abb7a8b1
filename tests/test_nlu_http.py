"""Rasa's HTTP API faked at the transport layer: parsing, and every way the server can fail."""

from __future__ import annotations

import json

import httpx
import pytest

from bot.core.nlu import MAX_PARSE_CHARS, NluResult, NluUnavailable, RasaHttpNlu

PARSED = {
    "text": "Deutschkurs?",
    "intent": {"name": "nlu_fallback", "confidence": 0.6},
    "intent_ranking": [
        {"name": "nlu_fallback", "confidence": 0.6},
        {"name": "ask_language_course", "confidence": 0.55},
        {"name": "ask_counselling", "confidence": 0.2},
    ],
}


def client(handler: httpx.MockTransport) -> RasaHttpNlu:
    return RasaHttpNlu("http://rasa:5005/", transport=handler)


async def test_parse_posts_the_text_and_reads_intent_and_ranking() -> None:
    requests: list[httpx.Request] = []

    def handle(request: httpx.Request) -> httpx.Response:
        requests.append(request)
        return httpx.Response(200, json=PARSED)

    nlu = client(httpx.MockTransport(handle))
    parsed = await nlu.parse("Deutschkurs?")
    await nlu.close()

    assert str(requests[0].url) == "http://rasa:5005/model/parse"
    assert json.loads(requests[0].content) == {"text": "Deutschkurs?"}
    assert parsed == NluResult.from_rasa(PARSED)
    assert parsed.intent == "nlu_fallback"
    assert parsed.best_guess.intent == "ask_language_course"


async def test_long_texts_are_cut_before_they_are_sent() -> None:
    sent: list[str] = []

    def handle(request: httpx.Request) -> httpx.Response:
        sent.append(json.loads(request.content)["text"])
        return httpx.Response(200, json=PARSED)

    await client(httpx.MockTransport(handle)).parse("x" * 5000)
    assert len(sent[0]) == MAX_PARSE_CHARS


def _error(request: httpx.Request) -> httpx.Response:
    return httpx.Response(500, text="Internal Server Error")


def _garbage(request: httpx.Request) -> httpx.Response:
    return httpx.Response(200, text="<html>not json</html>")


def _refused(request: httpx.Request) -> httpx.Response:
    raise httpx.ConnectError("connection refused", request=request)


def _slow(request: httpx.Request) -> httpx.Response:
    raise httpx.ReadTimeout("timed out", request=request)


@pytest.mark.parametrize("handler", [_error, _garbage, _refused, _slow])
async def test_every_failure_becomes_nlu_unavailable(handler: object) -> None:
    nlu = client(httpx.MockTransport(handler))  # type: ignore[arg-type]
    with pytest.raises(NluUnavailable):
        await nlu.parse("hallo")
    await nlu.close()


async def test_a_promoted_model_is_loaded_with_put_model() -> None:
    requests: list[httpx.Request] = []

    def handle(request: httpx.Request) -> httpx.Response:
        requests.append(request)
        return httpx.Response(204)

    nlu = client(httpx.MockTransport(handle))
    await nlu.load_model("models/live.tar.gz")
    await nlu.close()

    assert (requests[0].method, str(requests[0].url)) == ("PUT", "http://rasa:5005/model")
    assert json.loads(requests[0].content) == {"model_file": "models/live.tar.gz"}
    assert await nlu.reload_if_changed() is False  # the server is switched, not the client


async def test_the_shared_token_goes_with_every_request() -> None:
    """Rasa's --auth-token: the server reads it from the `token` query parameter."""
    seen: list[str | None] = []

    def handle(request: httpx.Request) -> httpx.Response:
        seen.append(request.url.params.get("token"))
        return httpx.Response(200, json=PARSED)

    nlu = RasaHttpNlu("http://rasa:5005", transport=httpx.MockTransport(handle), token="s3cr3t")
    await nlu.parse("Deutschkurs?")
    await nlu.load_model("models/live.tar.gz")
    await nlu.close()
    assert seen == ["s3cr3t", "s3cr3t"]
