"""The conversation layer as a typed state machine: one State, a Flow enum, one transition
table, no import cycle between the modules of the assistant — and a question that arrives while
the assistant waits for an answer is taken as a new question."""

from __future__ import annotations

import ast
import datetime as dt
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from assistant.dialogue import TRANSITIONS
from assistant.turn import Flow, State, Wanted

SHANGHAI = ZoneInfo("Asia/Shanghai")
NOON = dt.datetime(2026, 11, 24, 12, 0, tzinfo=SHANGHAI)
ASSISTANT = Path(__file__).resolve().parents[1]


def test_every_flow_is_a_row_of_the_transition_table() -> None:
    assert set(TRANSITIONS) == set(Flow)
    assert all(callable(transition) for transition in TRANSITIONS.values())


def _assistant_imports(path: Path) -> set[str]:
    """assistant.* modules a module imports, at the top or inside a function."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names if alias.name.startswith("assistant")}
        elif (
            isinstance(node, ast.ImportFrom)
            and node.module
            and node.level == 0
            and node.module.startswith("assistant")
        ):
            found.add(node.module)
            found |= {f"{node.module}.{alias.name}" for alias in node.names}
    return found


def _module_graph() -> dict[str, set[str]]:
    modules = {}
    for path in ASSISTANT.rglob("*.py"):
        relative = path.relative_to(ASSISTANT.parent).with_suffix("")
        if {"tests", "migrations"} & set(relative.parts):
            continue
        name = ".".join(relative.parts).removesuffix(".__init__")
        modules[name] = path
    return {
        name: {
            target for target in _assistant_imports(path) if target in modules and target != name
        }
        for name, path in modules.items()
    }


def _cycle(graph: dict[str, set[str]]) -> list[str] | None:
    visiting: list[str] = []
    done: set[str] = set()

    def visit(node: str) -> list[str] | None:
        if node in visiting:
            return visiting[visiting.index(node) :] + [node]
        if node in done:
            return None
        visiting.append(node)
        for target in sorted(graph[node]):
            if cycle := visit(target):
                return cycle
        visiting.pop()
        done.add(node)
        return None

    for node in sorted(graph):
        if cycle := visit(node):
            return cycle
    return None


def test_the_assistant_modules_import_each_other_without_a_cycle() -> None:
    graph = _module_graph()
    assert {"assistant.dialogue", "assistant.handlers", "assistant.handoff"} <= set(graph)
    assert "assistant.dialogue" not in graph["assistant.handlers"]
    assert "assistant.dialogue" not in graph["assistant.handoff"]
    assert _cycle(graph) is None


def test_a_planted_cycle_is_found() -> None:
    assert _cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert _cycle({"a": {"b"}, "b": set()}) is None


def test_state_round_trips_and_idle_is_stored_as_nothing() -> None:
    assert State().to_json() == {}
    state = State(flow=Flow.AWAIT_DETAILS, wanted=Wanted.CODE, topic="txn_failed_generic")
    assert state.to_json() == {
        "flow": "await_details",
        "wanted": "code",
        "topic": "txn_failed_generic",
    }
    assert State.from_json(state.to_json()) == state


def test_a_state_stored_by_the_older_release_is_read_and_a_broken_one_is_idle() -> None:
    old = {"flow": "await_details", "for": "code", "intent": "txn_failed_generic"}
    assert State.from_json(old) == State(
        flow=Flow.AWAIT_DETAILS, wanted=Wanted.CODE, topic="txn_failed_generic"
    )
    assert State.from_json({"flow": "somewhere", "step": 3}) == State()
    assert State.from_json(None) == State()


@pytest.mark.django_db
def test_a_new_question_while_which_merchant_waits_is_answered_as_a_new_question(
    chat, alice, merchant_b
):
    merchant_b.members.add(alice)
    talk = chat(alice)
    reply = talk.say("帮我查一下今天的交易", now=NOON)
    assert reply.action == "ask"  # which merchant?
    assert talk.conversation.state["flow"] == "await_details"
    reply = talk.say("打印机打不出小票了", now=NOON)
    assert reply.intent == "printer_paper"
    assert "第 1 步" in reply.text
    assert talk.conversation.state["flow"] == "troubleshoot"


@pytest.mark.django_db
def test_which_merchant_is_answered_by_tapping_the_shop_name(chat, alice, merchant_b):
    merchant_b.members.add(alice)
    merchant_b.short_name = "老王餐馆"
    merchant_b.save(update_fields=["short_name"])
    talk = chat(alice)
    reply = talk.say("帮我查一下今天的交易", now=NOON)
    assert "老王餐馆" in reply.quick_replies
    assert not any(label.isdigit() for label in reply.quick_replies)
    reply = talk.say("老王餐馆", now=NOON)
    assert talk.conversation.merchant == merchant_b
    assert reply.intent == "txn_query" and reply.action == "answer"
    assert talk.conversation.state == {}


@pytest.mark.django_db
def test_a_new_question_while_a_handoff_fact_is_asked_is_a_new_question(
    chat, alice, terminal_a, articles
):
    talk = chat(alice)
    talk.say("打印机打不出小票了", now=NOON)
    for _step in range(6):
        reply = talk.say("还是不行", now=NOON)
        if reply.action == "ask":
            break
    assert talk.conversation.state["flow"] == "collect"
    reply = talk.say("刷卡显示51是什么意思", now=NOON)
    assert reply.intent == "txn_failed_code" and "51" in reply.text
