"""The conversation's vocabulary: where a conversation stands (``State``, ``Flow``), one
incoming message with what a handler may use to answer it (``Context``) and the answer
(``Reply``, which carries the state for the next message).

Every handler is a plain function of the context — the current state and the message — to a
reply holding the next state; ``assistant.dialogue`` holds the one transition table that picks
the handler. This module imports none of the handler modules (``dialogue``, ``handlers``,
``handoff``), so they depend on it and never on each other in a circle.
"""

from __future__ import annotations

import datetime as dt
import enum
import re
from dataclasses import asdict, dataclass, field, fields
from functools import cached_property
from typing import TYPE_CHECKING, Any

from assistant import backends
from assistant.nlu import Understanding
from core.templatetags.punctuation import lparen, rparen

if TYPE_CHECKING:
    from core.types import Viewer
    from merchants.models import Merchant
    from terminals.models import Terminal

HUMAN = "human_agent"
# Intents that are no topic to offer or to switch to (nothing to act on, or a person's job).
NOT_TOPICS = frozenset({"other", "greeting", "complaint", HUMAN})

# Answers to "did that fix it?". "No" is checked first: "还是不行" contains "行".
_NO = re.compile(
    r"不行|没用|没有用|没好|不好|不能|没反应|还是|依然|仍然|一样|无效|失败|没解决|未解决|"
    r"\bno\b|\bnope\b|\bstill\b|not (?:work|fix|solved)|doesn'?t|didn'?t|won'?t"
)
_YES = re.compile(
    r"好了|可以了|行了|解决了|正常了|能用了|搞定|没问题了|谢谢|有用|^(?:好|是|对|嗯|可以|行)[的啊呀吧!！。]*$|"
    r"\byes\b|\bfixed\b|\bworks\b|\bworking\b|\bsolved\b|\bok\b"
)


def is_no(text: str) -> bool:
    return bool(_NO.search(text.lower()))


def is_yes(text: str) -> bool:
    return not is_no(text) and bool(_YES.search(text.strip().lower()))


class Flow(enum.StrEnum):
    """What the assistant is waiting for."""

    IDLE = "idle"  # nothing: the next message is a new question
    TROUBLESHOOT = "troubleshoot"  # "did step N fix it?"
    CLARIFY = "clarify"  # which of two readings was meant
    AWAIT_DETAILS = "await_details"  # a code, or which merchant / which transaction
    COLLECT = "collect"  # the facts a hand-off still needs


class Wanted(enum.StrEnum):
    """What an ``AWAIT_DETAILS`` question asked for."""

    NOTHING = ""
    CODE = "code"  # the response code the terminal showed (or "no code")
    DETAILS = "details"  # which merchant, which transaction


@dataclass(frozen=True)
class State:
    """Where a conversation stands; stored on the conversation as JSON between messages."""

    flow: Flow = Flow.IDLE
    topic: str = ""  # the intent the flow serves
    step: int = 0  # troubleshooting: index of the step last offered
    symptom: str = ""  # the merchant's own words for the problem
    seed: dict[str, Any] = field(default_factory=dict)  # entities to carry into a ticket
    options: list[str] = field(default_factory=list)  # clarify: intents offered
    readings: dict[str, str] = field(default_factory=dict)  # clarify: intent → plain words
    question: str = ""  # clarify: the message that was unclear
    wanted: Wanted = Wanted.NOTHING
    handoff: int | None = None  # collect: the HandOff being filled
    asking: str = ""  # collect: the fact asked for
    asked: list[str] = field(default_factory=list)  # collect: facts asked once already

    def to_json(self) -> dict[str, Any]:
        """Only what differs from the idle state (an idle conversation stores ``{}``)."""
        idle = asdict(State())
        return {
            key: str(value) if isinstance(value, enum.Enum) else value
            for key, value in asdict(self).items()
            if value != idle[key]
        }

    @classmethod
    def from_json(cls, data: dict[str, Any] | None) -> State:
        """The stored state; unknown keys and values (an older release's) are dropped."""
        data = dict(data or {})
        if "for" in data:  # before the typed state: {"for": "code", "intent": ...}
            data.setdefault("wanted", data.pop("for"))
            data.setdefault("topic", data.pop("intent", ""))
        known = {item.name for item in fields(cls)}
        values = {key: value for key, value in data.items() if key in known}
        try:
            values["flow"] = Flow(values.get("flow", Flow.IDLE))
            values["wanted"] = Wanted(values.get("wanted", Wanted.NOTHING))
            return cls(**values)
        except (ValueError, TypeError):
            return cls()


IDLE = State()


@dataclass
class Reply:
    text: str
    action: str  # answer / clarify / handoff / ask
    intent: str
    quick_replies: list[str] = field(default_factory=list)
    unanswered: bool = False
    ticket_number: str = ""
    # Where the conversation stands after this reply (idle unless the reply asked something).
    state: State = IDLE


@dataclass
class Context:
    """One incoming message and everything a handler may use to answer it."""

    user: Viewer
    conversation: Any  # assistant.models.Conversation
    understanding: Understanding
    text: str  # already masked
    now: dt.datetime
    language: str = "zh"
    state: State = IDLE  # where the conversation stood before this message

    @property
    def entities(self) -> dict[str, Any]:
        return self.understanding.entities

    @property
    def english(self) -> bool:
        return self.language.startswith("en")

    @property
    def is_merchant_user(self) -> bool:
        return bool(getattr(self.user, "is_merchant_user", False))

    @cached_property
    def merchants(self) -> list[Any]:
        return backends.merchants_of(self.user)

    @property
    def merchant(self) -> Merchant | None:
        """The merchant this conversation is about, when it is known without asking."""
        if self.conversation.merchant_id:
            return self.conversation.merchant
        merchants = self.merchants
        wanted = set(self.entities.get("merchant_id", []))
        for merchant in merchants:
            if merchant.merchant_id in wanted:
                return self._choose(merchant)
        for value in self.entities.get("terminal_id", []) + self.entities.get("serial_no", []):
            terminal = backends.find_terminal(self.user, value)
            if terminal is not None:
                self.conversation.terminal = terminal
                return self._choose(terminal.merchant)
        if len(merchants) == 1:
            return self._choose(merchants[0])
        return None

    def merchant_named(self) -> Merchant | None:
        """The merchant whose shop name (or ID) the message is: a tapped quick reply."""
        said = self.text.strip()
        if not said:
            return None
        for merchant in self.merchants:
            if said == merchant_label(merchant, self.merchants):
                return self._choose(merchant)
        unique = [
            merchant
            for merchant in self.merchants
            if said in (merchant.merchant_id, merchant.name, merchant.short_name)
        ]
        return self._choose(unique[0]) if len(unique) == 1 else None

    def _choose(self, merchant: Merchant) -> Merchant:
        self.conversation.merchant = merchant
        return merchant

    @property
    def terminal(self) -> Terminal | None:
        if self.conversation.terminal_id:
            return self.conversation.terminal
        merchant = self.merchant
        if merchant is None:
            return None
        for value in self.entities.get("terminal_id", []) + self.entities.get("serial_no", []):
            terminal = backends.find_terminal(self.user, value)
            if terminal is not None and terminal.merchant_id == merchant.pk:
                self.conversation.terminal = terminal
                return terminal
        terminals = backends.terminals_of(self.user, merchant)
        if len(terminals) == 1:
            self.conversation.terminal = terminals[0]
            return terminals[0]
        return None


def asks_something_else(ctx: Context) -> bool:
    """While "which merchant?" waits for an answer: the message is a question of its own (a
    topic understood with confidence, naming no merchant, terminal or serial number)."""
    understanding = ctx.understanding
    names_one = any(ctx.entities.get(key) for key in ("merchant_id", "terminal_id", "serial_no"))
    return (
        understanding.action == "answer"
        and understanding.intent not in NOT_TOPICS
        and not names_one
    )


def merchant_label(merchant: Merchant, merchants: list[Any]) -> str:
    """The shop's name as the merchant knows it; the ID's last four digits tell two apart."""
    name = merchant.short_name or merchant.name or merchant.merchant_id
    twins = [other for other in merchants if (other.short_name or other.name) == name]
    tail = f"{lparen()}…{merchant.merchant_id[-4:]}{rparen()}"
    return f"{name}{tail}".strip() if len(twins) > 1 else name


def merchant_choices(merchants: list[Any], limit: int = 6) -> list[str]:
    """Quick replies naming the merchant's shops, not bare 15-digit IDs."""
    return [merchant_label(merchant, merchants) for merchant in merchants[:limit]]
