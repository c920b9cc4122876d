"""One telemetry record: its fields, how each is read and bounded, and the reasons a value is
refused. Pure Python (no Django), so the checks can be benchmarked and reused; the messages
are keys that `fleet.ingest` turns into Chinese and English.

A record arrives as a mapping (JSON object, CSV row or a TMS adapter's output). Numbers may
come as numbers or as text; empty text means "not reported". A time without an offset is read
in the institution's time zone. Fields this module does not know are kept, bounded, in
`extra`.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

TERMINAL_ID = re.compile(r"^[0-9A-Z]{8}$")
VERSION = re.compile(r"^[0-9A-Za-z][0-9A-Za-z ._+/\-]{0,31}$")
NETWORKS = ("4g", "wifi", "eth", "none")
PRINTER_STATES = ("ok", "no_paper", "cover_open", "overheat", "head_fault")
TRUE_WORDS = {"true", "1", "yes", "y", "t", "是"}
FALSE_WORDS = {"false", "0", "no", "n", "f", "否"}

MAX_EXTRA_FIELDS = 20
MAX_EXTRA_KEY = 40
MAX_EXTRA_TEXT = 200


class BadValue(ValueError):  # noqa: N818 - a reason, carried to the row error
    """A value that cannot be accepted; `reason` is a key of fleet.ingest.REASONS."""

    def __init__(self, reason: str, **params: Any) -> None:
        super().__init__(reason)
        self.reason = reason
        self.params = params


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _integer(low: int, high: int) -> Callable[[Any, dt.tzinfo], int | None]:
    def parse(value: Any, tz: dt.tzinfo) -> int | None:
        if type(value) is int and low <= value <= high:  # the usual case, first (not bool)
            return value
        if _blank(value):
            return None
        if isinstance(value, bool):
            raise BadValue("not_integer")
        if isinstance(value, float):
            if not value.is_integer():
                raise BadValue("not_integer")
            number = int(value)
        elif isinstance(value, int):
            number = value
        else:
            try:
                number = int(str(value).strip())
            except ValueError:
                raise BadValue("not_integer") from None
        if not low <= number <= high:
            raise BadValue("out_of_range", low=low, high=high)
        return number

    return parse


def _decimal(low: float, high: float) -> Callable[[Any, dt.tzinfo], float | None]:
    def parse(value: Any, tz: dt.tzinfo) -> float | None:
        if type(value) is float or type(value) is int:  # the usual case, first (not bool)
            if low <= value <= high:  # also refuses NaN
                return float(value)
            raise BadValue("out_of_range", low=low, high=high)
        if _blank(value):
            return None
        if isinstance(value, bool):
            raise BadValue("not_number")
        try:
            number = float(value)
        except (TypeError, ValueError):
            raise BadValue("not_number") from None
        if not low <= number <= high:  # also refuses NaN
            raise BadValue("out_of_range", low=low, high=high)
        return number

    return parse


def _boolean(value: Any, tz: dt.tzinfo) -> bool | None:
    if value is True or value is False:
        return value
    if _blank(value):
        return None
    text = str(value).strip().lower()
    if text in TRUE_WORDS:
        return True
    if text in FALSE_WORDS:
        return False
    raise BadValue("not_boolean")


def _choice(allowed: tuple[str, ...]) -> Callable[[Any, dt.tzinfo], str]:
    exact = frozenset(allowed)

    def parse(value: Any, tz: dt.tzinfo) -> str:
        if type(value) is str and value in exact:  # lower case, trimmed: the usual case
            return value
        if _blank(value):
            return ""
        text = str(value).strip().lower()
        if text == "ethernet":
            text = "eth"
        if text not in allowed:
            raise BadValue("not_choice", allowed="/".join(allowed))
        return text

    return parse


# Values seen to be good, and what they became: a fleet reports a few versions and key dates
# over and over. Bounded; emptied when full.
_SEEN_MAX = 4096
_good_versions: dict[str, str] = {}
_good_days: dict[str, dt.date] = {}


def _version(value: Any, tz: dt.tzinfo) -> str:
    if type(value) is str and value in _good_versions:
        return _good_versions[value]
    if _blank(value):
        return ""
    text = str(value).strip()
    if not VERSION.match(text):
        raise BadValue("bad_version")
    if type(value) is str:
        if len(_good_versions) >= _SEEN_MAX:
            _good_versions.clear()
        _good_versions[value] = text
    return text


def parse_moment(value: Any, tz: dt.tzinfo) -> dt.datetime | None:
    """ISO 8601 with or without an offset ('Z' accepted); naive times are local to `tz`."""
    if type(value) is not str or not value or len(value) > 40 or value[-1] == " ":
        if _blank(value):
            return None
        if not isinstance(value, str) or len(value) > 40:
            raise BadValue("not_datetime")
        value = value.strip()
    try:
        moment = dt.datetime.fromisoformat(value)
    except ValueError:
        if value != value.strip():
            return parse_moment(value.strip(), tz)
        raise BadValue("not_datetime") from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=tz)
    if not 2000 <= moment.year <= 2100:
        raise BadValue("not_datetime")
    return moment.astimezone(dt.UTC)


def _day(value: Any, tz: dt.tzinfo) -> dt.date | None:
    if type(value) is str and value in _good_days:
        return _good_days[value]
    if _blank(value):
        return None
    try:
        day = dt.date.fromisoformat(str(value).strip()[:10])
    except ValueError:
        raise BadValue("not_date") from None
    if type(value) is str:
        if len(_good_days) >= _SEEN_MAX:
            _good_days.clear()
        _good_days[value] = day
    return day


@dataclass(frozen=True)
class Field:
    name: str
    parse: Callable[[Any, dt.tzinfo], Any]
    # The usual case as a Python condition on the raw value `v`: when it holds, the clean
    # value is `v` itself (or `clean`), exactly what `parse` would give. None: always parse.
    usual: str | None = None
    clean: str = "v"


def _integer_field(name: str, low: int, high: int) -> Field:
    return Field(name, _integer(low, high), f"type(v) is int and {low} <= v <= {high}")


def _choice_field(name: str, allowed: tuple[str, ...]) -> Field:
    return Field(name, _choice(allowed), f"type(v) is str and v in {set(allowed)!r}")


def _version_field(name: str) -> Field:
    return Field(name, _version, "type(v) is str and v in _good_versions", "_good_versions[v]")


_BOOLEAN = "v is True or v is False"

# The stored columns after terminal and time, in the order the writer inserts them.
FIELDS: tuple[Field, ...] = (
    _integer_field("battery_pct", 0, 100),
    Field("charging", _boolean, _BOOLEAN),
    _integer_field("battery_cycles", 0, 100_000),
    Field("temperature_c", _decimal(-40.0, 125.0), "type(v) is float and -40.0 <= v <= 125.0"),
    _integer_field("signal_dbm", -150, 0),
    _choice_field("network", NETWORKS),
    _choice_field("printer", PRINTER_STATES),
    _integer_field("print_count", 0, 2_000_000_000),
    _integer_field("chip_errors", 0, 10_000_000),
    _integer_field("swipe_errors", 0, 10_000_000),
    _integer_field("contactless_errors", 0, 10_000_000),
    _integer_field("reboots", 0, 1_000_000),
    _integer_field("free_storage_mb", 0, 10_000_000),
    _version_field("firmware_version"),
    _version_field("app_version"),
    Field("last_signin_at", parse_moment),
    Field("signin_ok", _boolean, _BOOLEAN),
    Field("key_expires_on", _day),
)
FIELD_NAMES = tuple(f.name for f in FIELDS)
_PARSERS = tuple((f.name, f.parse) for f in FIELDS)


def _compile_usual() -> Callable[[Mapping[str, Any], dt.tzinfo], tuple[Any, ...] | None]:
    """One function with every field's usual case inline — no call per field — generated
    from `FIELDS`, so the bounds have one home. It returns the clean values when every field
    is in its usual case, None otherwise (the record then goes field by field, which also
    names the problems). `test_records.py` checks that both ways give the same values."""
    lines = ["def usual(record, tz):", "    get = record.get", "    try:"]
    names: dict[str, Any] = {"BadValue": BadValue, "_good_versions": _good_versions}
    for index, spec in enumerate(FIELDS):
        lines.append(f"        v = get({spec.name!r})")
        if spec.usual is None:
            names[f"parse{index}"] = spec.parse
            lines.append(f"        f{index} = parse{index}(v, tz)")
        else:
            lines.append(f"        if not ({spec.usual}):")
            lines.append("            return None")
            lines.append(f"        f{index} = {spec.clean}")
    lines += ["    except BadValue:", "        return None"]
    lines.append(f"    return ({', '.join(f'f{i}' for i in range(len(FIELDS)))},)")
    exec("\n".join(lines), names)  # noqa: S102 — source built above from constants only
    return names["usual"]  # type: ignore[no-any-return]


usual_values = _compile_usual()
KNOWN = frozenset(("terminal_id", "at", *FIELD_NAMES))
COLUMNS = ("terminal_id", "at", *FIELD_NAMES)  # the CSV header, in this order


@dataclass
class Checked:
    terminal_id: str
    at: dt.datetime
    values: tuple[Any, ...]  # in FIELDS order
    extra: dict[str, Any]


Problem = tuple[str, str, str, dict[str, Any]]  # (field, value shown, reason key, params)


def _shown(value: Any) -> str:
    return str(value)[:60]


def _extra(record: Mapping[str, Any], mask: Callable[[str], str]) -> tuple[dict, list[Problem]]:
    extra: dict[str, Any] = {}
    problems: list[Problem] = []
    for key, value in record.items():
        if key in KNOWN:
            continue
        if len(extra) >= MAX_EXTRA_FIELDS:
            problems.append((str(key)[:MAX_EXTRA_KEY], "", "too_many_extra", {}))
            break
        name = mask(str(key))[:MAX_EXTRA_KEY]
        if isinstance(value, str):
            extra[name] = mask(value)[:MAX_EXTRA_TEXT]
        elif value is None or isinstance(value, bool | int | float):
            extra[name] = value
        else:
            problems.append((name, "", "extra_not_scalar", {}))
    return extra, problems


def check(record: Any, tz: dt.tzinfo, mask: Callable[[str], str]) -> Checked | list[Problem]:
    """A record checked field by field: the clean values, or every problem found in it."""
    if not isinstance(record, Mapping):
        return [("", "", "not_object", {})]
    problems: list[Problem] = []
    tid = record.get("terminal_id")
    tid_text = str(tid).strip().upper() if tid is not None else ""
    if not tid_text:
        problems.append(("terminal_id", "", "required", {}))
    elif not TERMINAL_ID.match(tid_text):
        problems.append(("terminal_id", _shown(mask(tid_text)), "bad_terminal_id", {}))
    at = None
    try:
        at = parse_moment(record.get("at"), tz)
        if at is None:
            problems.append(("at", "", "required", {}))
    except BadValue as bad:
        problems.append(("at", _shown(mask(str(record.get("at")))), bad.reason, bad.params))
    values = usual_values(record, tz)
    if values is None:
        values = parsed_values(record, tz, mask, problems)
    if not KNOWN.issuperset(record):  # most records carry only the known fields
        extra, extra_problems = _extra(record, mask)
        problems.extend(extra_problems)
    else:
        extra = {}
    if problems or at is None:
        return problems
    return Checked(tid_text, at, values, extra)


def parsed_values(
    record: Mapping[str, Any], tz: dt.tzinfo, mask: Callable[[str], str], problems: list[Problem]
) -> tuple[Any, ...]:
    """Every field through its parser; refused values go to `problems`."""
    values = []
    get = record.get
    for name, parse in _PARSERS:
        raw = get(name)
        try:
            values.append(parse(raw, tz))
        except BadValue as bad:
            problems.append((name, _shown(mask(str(raw))), bad.reason, bad.params))
            values.append(None)
    return tuple(values)
