"""The phone menu walker without a database: the shipped menu is consistent, digits move the
call, wrong input is forgiven twice and then a person takes over."""

from __future__ import annotations

import copy

import pytest

from channels import ivr


def actions(known: bool = True):
    def recognise(state, digits):
        if known:
            state.data["say"] = {"merchant_name": "阿香便利店"}
            return "known", ""
        return "unknown", ""

    def identify(state, digits):
        if digits == "898110154110001":
            state.data["say"] = {"merchant_name": "阿香便利店"}
            return "known", ""
        return "unknown", "没有找到这个商户编号。"

    def switch(state, digits):
        state.language = "en"
        return "switched", ""

    said = {
        "payout_status": lambda s, d: ("paid", "今日结算款已付款。"),
        "outage": lambda s, d: ("none", "没有故障。"),
        "verify_code": lambda s, d: ("ours" if d == "577476" else "not_found", f"code {d}"),
        "callback": lambda s, d: ("booked", "已预约回电。"),
    }
    return {"recognise": recognise, "identify": identify, "switch_language": switch, **said}


@pytest.fixture
def walker():
    return ivr.Walker(ivr.load_menu(), actions())


def test_known_caller_hears_the_main_menu_with_the_merchant_name(walker):
    state = ivr.CallState(node="")
    answer = walker.begin(state)
    assert "阿香便利店" in answer.prompt and answer.kind == "collect" and answer.max_digits == 1


def test_payout_then_back_to_the_menu(walker):
    state = ivr.CallState(node="")
    walker.begin(state)
    answer = walker.step(state, "1")
    assert answer.prompt.startswith("今日结算款已付款。") and state.node == "main"


def test_code_typed_on_the_keypad(walker):
    assert ivr.keypad_digits("K7Q4PM") == "577476"
    state = ivr.CallState(node="")
    walker.begin(state)
    assert walker.step(state, "3").max_digits == 6
    assert "code 577476" in walker.step(state, "577476").prompt


def test_unknown_caller_enters_the_merchant_id(walker):
    walker = ivr.Walker(ivr.load_menu(), actions(known=False))
    state = ivr.CallState(node="")
    assert walker.begin(state).min_digits == 15
    assert "阿香便利店" in walker.step(state, "898110154110001").prompt


def test_three_wrong_entries_reach_a_person(walker):
    state = ivr.CallState(node="")
    walker.begin(state)
    assert "输入有误" in walker.step(state, "7").prompt
    assert walker.step(state, "").kind == "collect"
    answer = walker.step(state, "55")
    assert answer.kind == "transfer" and answer.queue == "l1"


def test_zero_transfers_and_nine_switches_to_english(walker):
    state = ivr.CallState(node="")
    walker.begin(state)
    assert "For today's payout" in walker.step(state, "9").prompt
    assert walker.step(state, "0").kind == "transfer"


def test_a_broken_menu_fails_at_load():
    menu = copy.deepcopy(ivr.load_menu())
    menu["nodes"]["main"]["options"]["5"] = "nowhere"
    with pytest.raises(ValueError, match="nowhere"):
        ivr.check_menu(menu)
    menu = copy.deepcopy(ivr.load_menu())
    del menu["nodes"]["agent"]["prompt"]["en"]
    with pytest.raises(ValueError, match="prompts"):
        ivr.check_menu(menu)
