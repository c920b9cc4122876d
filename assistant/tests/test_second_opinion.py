"""The optional second opinion, against a local fake OpenAI-compatible server: it agrees, it
disagrees, it times out, it returns nonsense — and it is asked only when the local model is
unsure, only to choose among the intents offered, with the card number masked."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest

from assistant.nlu import SecondOpinion, understand
from assistant.nlu.classifier import Prediction

UNSURE = Prediction("card_read_error", 0.40, [("txn_failed_generic", 0.35), ("device_fault", 0.1)])
SURE = Prediction("printer_paper", 0.95, [("device_fault", 0.02), ("other", 0.01)])


class FakeModel:
    """A local model stand-in with a fixed reading."""

    clarify_threshold = 0.35

    def __init__(self, prediction: Prediction) -> None:
        self.prediction = prediction

    def predict(self, text: str) -> Prediction:
        return self.prediction

    def decide(self, prediction: Prediction) -> str:
        from assistant.nlu.classifier import decide

        return decide(prediction, self.clarify_threshold)


class FakeEndpoint:
    """What the fake server answers, and what it was asked."""

    def __init__(self) -> None:
        self.content: Any = "card_read_error"
        self.raw: bytes | None = None
        self.delay = 0.0
        self.requests: list[dict[str, Any]] = []


@pytest.fixture
def endpoint() -> Iterator[tuple[FakeEndpoint, str]]:
    state = FakeEndpoint()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # noqa: N802 — the http.server API
            length = int(self.headers["Content-Length"])
            state.requests.append({"path": self.path, "body": json.loads(self.rfile.read(length))})
            time.sleep(state.delay)
            body = (
                state.raw
                or json.dumps(
                    {"choices": [{"message": {"role": "assistant", "content": state.content}}]}
                ).encode()
            )
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield state, f"http://127.0.0.1:{server.server_port}/v1"
    finally:
        server.shutdown()
        server.server_close()


def _ask(url: str, prediction: Prediction = UNSURE, text: str = "卡刷不了", timeout: float = 2.0):
    opinion = SecondOpinion(url=url, model="qwen-test", timeout_seconds=timeout)
    return understand(text, model=FakeModel(prediction), second_opinion=opinion)  # type: ignore[arg-type]


def test_it_agrees_and_the_assistant_answers(endpoint) -> None:
    state, url = endpoint
    state.content = "card_read_error"
    result = _ask(url)
    assert result.intent == "card_read_error" and result.action == "answer"
    assert result.second_opinion
    request = state.requests[0]
    assert request["path"] == "/v1/chat/completions" and request["body"]["model"] == "qwen-test"
    system = request["body"]["messages"][0]["content"]
    # Only our intent names, and only the local model's likeliest ones, are offered.
    assert "card_read_error, txn_failed_generic, device_fault" in system


def test_it_disagrees_and_the_merchant_is_asked_between_the_two(endpoint) -> None:
    state, url = endpoint
    state.content = " txn_failed_generic\n"
    result = _ask(url)
    assert result.action == "clarify" and result.second_opinion
    assert result.intent == "txn_failed_generic"
    assert result.alternatives[0][0] == "card_read_error"


def test_it_times_out_and_the_local_model_decides(endpoint) -> None:
    state, url = endpoint
    state.delay = 0.5
    started = time.perf_counter()
    result = _ask(url, timeout=0.1)
    assert time.perf_counter() - started < 0.45
    assert result.intent == "card_read_error" and result.action == "clarify"
    assert not result.second_opinion


@pytest.mark.parametrize(
    "content",
    [
        "I think it is card_read_error because the chip is dirty",
        "refund_void",  # one of ours, but not one it was offered
        "the money has arrived: 1,280.00 yuan",
        "",
        None,
    ],
)
def test_it_returns_nonsense_and_the_local_model_decides(endpoint, content) -> None:
    state, url = endpoint
    state.content = content
    result = _ask(url)
    assert result.intent == "card_read_error" and result.action == "clarify"
    assert not result.second_opinion


def test_malformed_json_and_a_dead_endpoint_fall_back(endpoint) -> None:
    state, url = endpoint
    state.raw = b"{not json"
    assert not _ask(url).second_opinion
    assert not _ask("http://127.0.0.1:9/v1", timeout=0.2).second_opinion


def test_a_sure_local_model_does_not_ask_and_card_numbers_never_leave(endpoint) -> None:
    state, url = endpoint
    result = _ask(url, prediction=SURE)
    assert result.action == "answer" and not state.requests
    _ask(url, text="卡号 6222021234567890128 刷不了")
    sent = state.requests[0]["body"]["messages"][1]["content"]
    assert "6222021234567890128" not in sent and "0128" in sent


@pytest.mark.django_db
def test_off_by_default_and_its_share_is_on_the_dashboard(endpoint, settings, alice, agent):
    from assistant import reports, services

    assert services.second_opinion() is None  # no URL configured: never asked
    state, url = endpoint
    settings.ASSISTANT_SECOND_OPINION_URL = url
    settings.ASSISTANT_SECOND_OPINION_TIMEOUT_MS = 2000
    state.content = "card_read_error"
    conversation = services.start_conversation(user=alice, session_key="s", channel="portal")
    services.post_message(conversation, "卡刷不了", user=alice, model=FakeModel(UNSURE))
    services.post_message(conversation, "打印机没纸", user=alice, model=FakeModel(SURE))
    data = reports.dashboard(agent)
    assert data["second_opinion"] == 1 and data["second_opinion_share"] == 0.5
