"""An optional second opinion on an unsure message from an OpenAI-compatible chat endpoint
(a self-hosted Qwen or DeepSeek behind vLLM or Ollama). Off unless configured.

It is asked only when the local model is unsure, and only to *choose* among the intents the
local model found likeliest (our names, listed in the prompt). Its reply must be exactly one of
those names; anything else — a timeout, an HTTP error, malformed JSON, a sentence, an intent we
did not offer — counts as no opinion, and the local model's reading stands. It never writes
what the merchant reads: the answer, and every money fact in it, still come from our handlers.
Standard library only (``urllib``), no Django.
"""

from __future__ import annotations

import json
import logging
import urllib.error
import urllib.request
from dataclasses import dataclass
from typing import Any

logger = logging.getLogger(__name__)

PROMPT = (
    "You sort messages that merchants send to the service centre of a card-payment POS "
    "acquirer. Reply with exactly one of these intent names and nothing else: {names}.\n"
    "What the names mean: {meanings}"
)


@dataclass(frozen=True)
class SecondOpinion:
    """Where to ask: ``url`` is the API base (``http://127.0.0.1:11434/v1``)."""

    url: str
    model: str
    timeout_seconds: float = 2.0
    api_key: str = ""

    def choose(self, text: str, candidates: list[str], meanings: dict[str, str]) -> str | None:
        """One of ``candidates`` for the message, or None (no usable opinion)."""
        if not candidates:
            return None
        names = ", ".join(candidates)
        explained = "; ".join(f"{name} = {meanings.get(name, name)}" for name in candidates)
        body = {
            "model": self.model,
            "temperature": 0,
            "max_tokens": 16,
            "messages": [
                {"role": "system", "content": PROMPT.format(names=names, meanings=explained)},
                {"role": "user", "content": text},
            ],
        }
        try:
            reply = self._post(body)
        except (OSError, ValueError, urllib.error.URLError) as error:
            logger.info("second opinion unavailable: %s", type(error).__name__)
            return None
        return parse_choice(reply, candidates)

    def _post(self, body: dict[str, Any]) -> Any:
        endpoint = self.url.rstrip("/") + "/chat/completions"
        if not endpoint.startswith(("http://", "https://")):
            raise ValueError("the second opinion URL must be http(s)")
        # The operator's own endpoint, http(s) only (checked above).
        request = urllib.request.Request(  # noqa: S310
            endpoint,
            data=json.dumps(body).encode(),
            headers={
                "Content-Type": "application/json",
                **({"Authorization": f"Bearer {self.api_key}"} if self.api_key else {}),
            },
            method="POST",
        )
        with urllib.request.urlopen(request, timeout=self.timeout_seconds) as response:  # noqa: S310
            return json.loads(response.read(64 * 1024))


def parse_choice(reply: Any, candidates: list[str]) -> str | None:
    """The intent name the endpoint chose, strictly: the whole content is one offered name."""
    try:
        content = reply["choices"][0]["message"]["content"]
    except (KeyError, IndexError, TypeError):
        return None
    if not isinstance(content, str):
        return None
    said = content.strip().strip("`'\".。").strip()
    return said if said in candidates else None
