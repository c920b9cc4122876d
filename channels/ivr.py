"""The self-service phone menu (IVR) as data, and the walker that moves a call through it.

Pure Python, no Django: the menu is `data/ivr_menu.json` (prompts in zh and en); what needs
the database — recognising the merchant, payout status, outages, verification codes,
call-back commitments — comes in as `actions`, callables that return an outcome and the
words to say. The phone system asks after each input; the walker answers with the next
prompt and the digits to collect, or a transfer.

Node types: `menu` (one digit picks an option), `input` (collect min–max digits, then run an
action), `action` (run at once, say its words, follow `next` by outcome), `transfer`.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

MENU_PATH = Path(__file__).resolve().parent / "data" / "ivr_menu.json"
LANGUAGES = ("zh", "en")
# An action gets the call's state (it may change `language`, `merchant`, …) and the digits;
# it returns its outcome (picks the `next` node) and the words to say, already in the language.
Action = Callable[["CallState", str], tuple[str, str]]


@dataclass
class CallState:
    node: str
    language: str = "zh"
    invalid: int = 0
    data: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Answer:
    """What the phone system does next: say `prompt`, then collect digits or transfer."""

    prompt: str
    kind: str  # "collect" or "transfer"
    min_digits: int = 0
    max_digits: int = 0
    queue: str = ""

    def as_dict(self, language: str) -> dict[str, Any]:
        return {
            "prompt": self.prompt,
            "language": "en" if language == "en" else "zh-hans",
            "action": self.kind,
            "collect": (
                {"min": self.min_digits, "max": self.max_digits} if self.kind == "collect" else None
            ),
            "queue": self.queue,
        }


def load_menu(path: Path = MENU_PATH) -> dict[str, Any]:
    menu = json.loads(path.read_text(encoding="utf-8"))
    check_menu(menu)
    return menu


def check_menu(menu: Mapping[str, Any]) -> None:
    """A menu that points nowhere or lacks a translation fails at load, not on a live call."""
    nodes = menu["nodes"]
    if menu["start"] not in nodes:
        raise ValueError(f"start node {menu['start']!r} is not defined")
    for name, node in nodes.items():
        targets = list(node.get("options", {}).values()) + list(node.get("next", {}).values())
        for target in targets:
            if target not in nodes:
                raise ValueError(f"node {name!r} leads to undefined node {target!r}")
        if "prompt" in node and set(node["prompt"]) != set(LANGUAGES):
            raise ValueError(f"node {name!r} needs prompts in {LANGUAGES}")


class Walker:
    def __init__(self, menu: Mapping[str, Any], actions: Mapping[str, Action]) -> None:
        self.menu, self.actions = menu, actions

    def begin(self, state: CallState) -> Answer:
        state.node = self.menu["start"]
        return self._arrive(state, [])

    def step(self, state: CallState, digits: str) -> Answer:
        """The caller entered `digits` at the node the call is on."""
        node = self.menu["nodes"][state.node]
        digits = "".join(ch for ch in digits if ch.isdigit())
        if node["type"] == "menu":
            target = node["options"].get(digits[:1]) if len(digits) == 1 else None
            if target is None:
                return self._invalid(state)
            state.invalid = 0
            state.node = target
            return self._arrive(state, [])
        if not node["min"] <= len(digits) <= node["max"]:
            return self._invalid(state)
        outcome, words = self.actions[node["action"]](state, digits)
        state.invalid = 0 if outcome != "unknown" else state.invalid + 1
        if state.invalid >= self.menu["max_invalid"]:
            state.node = "too_many_tries"
            return self._arrive(state, [words])
        state.node = self._next(node, outcome)
        return self._arrive(state, [words])

    def _invalid(self, state: CallState) -> Answer:
        state.invalid += 1
        if state.invalid >= self.menu["max_invalid"]:
            state.node = "too_many_tries"
            return self._arrive(state, [])
        return self._arrive(state, [self.menu["invalid"][state.language]])

    @staticmethod
    def _next(node: Mapping[str, Any], outcome: str) -> str:
        return node["next"].get(outcome) or node["next"]["*"]

    def _arrive(self, state: CallState, said: list[str]) -> Answer:
        """Run action nodes at once (collecting their words) until a node that waits for the
        caller or hands the call over."""
        for _hop in range(len(self.menu["nodes"])):
            node = self.menu["nodes"][state.node]
            if node["type"] != "action":
                break
            outcome, words = self.actions[node["action"]](state, "")
            said.append(words)
            state.node = self._next(node, outcome)
        else:
            raise ValueError("the menu loops through actions without asking the caller")
        prompt = node["prompt"][state.language].format_map(_Words(state.data.get("say", {})))
        text = " ".join(part for part in [*said, prompt] if part)
        if node["type"] == "transfer":
            return Answer(text, "transfer", queue=node["queue"])
        if node["type"] == "menu":
            return Answer(text, "collect", 1, 1)
        return Answer(text, "collect", node["min"], node["max"])


class _Words(dict):
    """Prompt placeholders; one the call has not filled yet is left out, not a crash."""

    def __missing__(self, key: str) -> str:
        return ""


_KEYPAD = {
    **{ch: "2" for ch in "ABC"},
    **{ch: "3" for ch in "DEF"},
    **{ch: "4" for ch in "GHI"},
    **{ch: "5" for ch in "JKL"},
    **{ch: "6" for ch in "MNO"},
    **{ch: "7" for ch in "PQRS"},
    **{ch: "8" for ch in "TUV"},
    **{ch: "9" for ch in "WXYZ"},
}


def keypad_digits(code: str) -> str:
    """How a verification code is typed on a phone keypad: 'K7Q4PM' -> '577476'."""
    return "".join(_KEYPAD.get(ch, ch) for ch in code.upper())
