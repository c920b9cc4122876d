"""A whole chat turn of the assistant (masking, understanding, dialogue, database writes,
hand-off records) as the portal and the API run it: per-message latency on SQLite and
PostgreSQL, messages taken from the evaluation set, five per conversation, as a logged-in
merchant. Each backend runs in its own process."""

from __future__ import annotations

import json
import statistics
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import fresh_database, peak_rss_mb, setup_django, write_result  # noqa: E402

MESSAGES = 600
PER_CONVERSATION = 5


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(share * (len(ordered) - 1))))]


def run_backend(backend: str) -> dict:
    setup_django(fresh_database(backend, "assistant_dialogue"))
    from accounts.models import User
    from assistant import demo, services
    from assistant.models import Article, Message
    from assistant.nlu import get_model
    from assistant.nlu.model import DEFAULT_EVAL_PATH, read_jsonl
    from merchants.models import Merchant
    from terminals.models import Terminal, TerminalModel

    merchant = Merchant.objects.create(
        merchant_id="898440158000001", name="基准便利店", mcc="5411", region_code="440106"
    )
    model, _ = TerminalModel.objects.get_or_create(
        manufacturer="百富 PAX", name="A920", defaults={"kind": "smart", "comm_types": ["4g"]}
    )
    Terminal.objects.create(
        terminal_id="60000001",
        serial_number="BENCH0001",
        model=model,
        merchant=merchant,
        comm_type="4g",
    )
    user = User.objects.create(username="bench", role="merchant")
    merchant.members.add(user)
    for data in demo.ARTICLES:
        Article.objects.create(**data)
    texts = [row["text"] for row in read_jsonl(DEFAULT_EVAL_PATH)][:MESSAGES]
    get_model()  # loaded once per worker process, as in production
    timings = []
    conversation = services.start_conversation(user=user, session_key=None, channel="api")
    for number, text in enumerate(texts):
        if number and number % PER_CONVERSATION == 0:
            conversation = services.start_conversation(user=user, session_key=None, channel="api")
        started = time.perf_counter()
        services.post_message(conversation, text, user=user)
        timings.append((time.perf_counter() - started) * 1000)
    assert Message.objects.count() == 2 * len(texts)
    return {
        "messages": len(texts),
        "latency_ms": {
            "p50": round(statistics.median(timings), 2),
            "p99": round(percentile(timings, 0.99), 2),
            "max": round(max(timings), 2),
        },
        "peak_rss_mb": round(peak_rss_mb(), 1),
    }


def main() -> None:
    if len(sys.argv) > 1:
        print(json.dumps(run_backend(sys.argv[1])))
        return
    results = {}
    for backend in ("sqlite", "postgresql"):
        output = subprocess.run(
            [sys.executable, __file__, backend], capture_output=True, text=True, check=True
        ).stdout
        results[backend] = json.loads(output.strip().splitlines()[-1])
    write_result(
        "assistant_dialogue",
        {"what": "services.post_message per message, eval-set texts", **results},
    )


if __name__ == "__main__":
    main()
