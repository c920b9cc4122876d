"""ISO 8583 message logs in the UnionPay POS layout, decoded with `pyiso8583`.

Pure Python, no Django. The log format accepted (one message a line, UTF-8/ASCII):

    # comment lines and blank lines are skipped
    2025-09-30T14:00:01+08:00 REQ 0200702406C020C09811166222021234567890123000000…
    2025-09-30T14:00:02+08:00 RSP 0210…

- field 1: the time the message was logged, ISO 8601 *with* UTC offset. It supplies the year
  and the offset that fields 12/13 (local time hhmmss / date MMDD) do not carry;
- field 2: the direction, `REQ` (terminal → host) or `RSP` (host → terminal); `>` and `<`
  are accepted too;
- field 3: the message in hexadecimal, starting at the MTI. A message that starts with the
  5-byte TPDU and 6-byte header of the UnionPay POS layout (first byte 0x60) has them
  stripped first.

Messages use the UnionPay POS encoding: BCD MTI, binary bitmap, BCD numeric fields with BCD
lengths, ASCII alphanumeric fields (`SPEC` below). A request and its response (MTI + 10, same
terminal ID 41 and trace number 11) are matched into one transaction; a request without a
response, a response without a request and a message that does not decode (e.g. truncated)
are reported with the line number. The full card number in field 2 is masked here, before
anything else sees it.
"""

from __future__ import annotations

import datetime as dt
from collections import OrderedDict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

import iso8583

from core.money import yuan
from payments.cards import InvalidCardNumber, normalize_pan


def _bcd(max_len: int, *, var: int = 0, desc: str = "") -> dict[str, Any]:
    field: dict[str, Any] = {
        "data_enc": "b",
        "len_enc": "bcd",
        "len_type": var,
        "max_len": max_len,
        "len_count": "nibbles",
        "desc": desc,
    }
    if max_len % 2 or var:
        field["right_pad"] = "F" if var else "0"
    return field


def _ascii(max_len: int, *, var: int = 0, desc: str = "") -> dict[str, Any]:
    return {
        "data_enc": "ascii",
        "len_enc": "bcd",
        "len_type": var,
        "max_len": max_len,
        "desc": desc,
    }


def _binary(max_len: int, *, var: int = 0, desc: str = "") -> dict[str, Any]:
    return {"data_enc": "b", "len_enc": "bcd", "len_type": var, "max_len": max_len, "desc": desc}


# BCD variable lengths take 1 byte for LLVAR and 2 bytes for LLLVAR.
SPEC: dict[str, dict[str, Any]] = {
    "h": {"data_enc": "ascii", "len_enc": "ascii", "len_type": 0, "max_len": 0, "desc": ""},
    "t": _binary(2, desc="Message Type Identifier"),
    "p": _binary(8, desc="Bitmap"),
    "1": _binary(8, desc="Secondary bitmap (unused)"),
    "2": _bcd(19, var=1, desc="Primary Account Number"),
    "3": _bcd(6, desc="Processing Code"),
    "4": _bcd(12, desc="Amount, in fen"),
    "11": _bcd(6, desc="System Trace Audit Number"),
    "12": _bcd(6, desc="Local time hhmmss"),
    "13": _bcd(4, desc="Local date MMDD"),
    "14": _bcd(4, desc="Expiry YYMM"),
    "15": _bcd(4, desc="Settlement date MMDD"),
    "22": _bcd(3, desc="POS entry mode"),
    "23": _bcd(3, desc="Card sequence number"),
    "25": _bcd(2, desc="POS condition code"),
    "26": _bcd(2, desc="PIN capture code"),
    "32": _bcd(11, var=1, desc="Acquirer ID"),
    "35": _bcd(37, var=1, desc="Track 2 (never kept)"),
    "36": _bcd(104, var=2, desc="Track 3 (never kept)"),
    "37": _ascii(12, desc="Retrieval Reference Number"),
    "38": _ascii(6, desc="Authorisation code"),
    "39": _ascii(2, desc="Response code"),
    "41": _ascii(8, desc="Terminal ID"),
    "42": _ascii(15, desc="Merchant ID"),
    "44": _ascii(25, var=1, desc="Additional response data"),
    "48": _ascii(322, var=2, desc="Additional data"),
    "49": _ascii(3, desc="Currency code"),
    "52": _binary(8, desc="PIN data"),
    "53": _bcd(16, desc="Security control information"),
    "54": _ascii(20, var=2, desc="Balance"),
    "55": _binary(255, var=2, desc="ICC data"),
    "60": _bcd(17, var=2, desc="Reserved private: 60.1 type, 60.2 batch no, 60.3 code"),
    "61": _bcd(29, var=2, desc="Original batch, trace no. and date"),
    "62": _ascii(512, var=2, desc="Reserved private"),
    "63": _ascii(163, var=2, desc="Reserved private"),
    "64": _binary(8, desc="MAC"),
}

REQUEST_MTIS = {"0100", "0200", "0220", "0400"}
RESPONSE_MTIS = {"0110", "0210", "0230", "0410"}
ENTRY_MODES = {"01": "manual", "02": "swipe", "03": "qr", "05": "chip", "07": "contactless"}
CURRENCIES = {"156": "CNY", "344": "HKD", "840": "USD"}
MAX_PENDING = 10_000  # requests waiting for their response; older ones are reported


@dataclass(frozen=True)
class LogError:
    line: int
    column: str  # "line", "message", "pan", …
    value: str
    reason: str  # a key of REASONS (the caller translates)


# reason key -> (zh, en); the ingestion pipeline turns these into bilingual row errors.
REASONS = {
    "format": ("行格式应为“时间 方向 报文十六进制”", "line must be 'TIME DIRECTION HEX'"),
    "time": ("日志时间应为带时区的 ISO 8601 时间", "the log time must be ISO 8601 with an offset"),
    "direction": ("方向应为 REQ 或 RSP", "direction must be REQ or RSP"),
    "hex": ("报文不是有效的十六进制", "the message is not valid hexadecimal"),
    "decode": ("报文无法解析（可能被截断）", "the message cannot be decoded (truncated?)"),
    "mti": ("不支持的消息类型", "unsupported message type"),
    "unpaired_response": ("应答报文找不到对应的请求", "response without a matching request"),
    "no_response": ("请求报文没有收到应答", "request without a response"),
    "pan": ("卡号格式不正确", "the card number is malformed"),
    "type": (
        "无法识别的交易类型（处理码/条件码）",
        "unknown transaction type (processing/condition code)",
    ),
}


def encode_message(fields: dict[str, str]) -> bytes:
    """Encode a message with SPEC (used by the demo data and tests to write real logs)."""
    encoded, _ = iso8583.encode(dict(fields), SPEC)
    return bytes(encoded)


def decode_message(raw: bytes) -> dict[str, str]:
    if raw[:1] == b"\x60" and len(raw) > 11:
        raw = raw[11:]  # TPDU (5 bytes) + UnionPay header (6 bytes)
    decoded, _ = iso8583.decode(raw, SPEC)
    return decoded


def txn_type_of(request: dict[str, str]) -> str | None:
    mti = request.get("t", "")
    processing = request.get("3", "000000")[:2]
    condition = request.get("25", "00")
    entry = request.get("22", "")[:2]
    if mti == "0400":
        return "reversal"
    if mti == "0220" and processing == "20":
        return "refund"
    if mti == "0100":
        if processing == "03":
            return "preauth"
        if processing == "20":
            return "preauth_cancel"
        return None
    if mti == "0200":
        if processing == "00":
            if condition == "06":
                return "preauth_completion"
            return "qr_payment" if entry == "03" else "sale"
        if processing == "20":
            return "void"
    return None


def _local_time(logged_at: dt.datetime, request: dict[str, str]) -> str:
    """Fields 13 (MMDD) and 12 (hhmmss) in the year and offset of the log line."""
    mmdd, hhmmss = request.get("13"), request.get("12")
    if not mmdd or not hhmmss:
        return logged_at.isoformat()
    year = logged_at.year
    if mmdd[:2] == "12" and logged_at.month == 1:
        year -= 1  # logged just after New Year, made just before it
    local = dt.datetime(
        year,
        int(mmdd[:2]),
        int(mmdd[2:]),
        int(hhmmss[:2]),
        int(hhmmss[2:4]),
        int(hhmmss[4:]),
        tzinfo=logged_at.tzinfo,
    )
    return local.isoformat()


def _record(
    request: dict[str, str], response: dict[str, str], logged_at: dt.datetime
) -> dict[str, str]:
    txn_type = txn_type_of(request) or ""
    amount = request.get("4") or response.get("4") or ""
    field60 = request.get("60", "")
    entry = request.get("22", "")[:2]
    return {
        "merchant_id": request.get("42") or response.get("42", ""),
        "terminal_id": request.get("41") or response.get("41", ""),
        "txn_type": txn_type,
        "amount": yuan(int(amount), grouping=False) if amount.isdigit() else amount,
        "currency": CURRENCIES.get(request.get("49", "156"), request.get("49", "")),
        "pan": request.get("2", ""),
        "entry_mode": ENTRY_MODES.get(entry, "swipe" if entry.startswith("9") else entry),
        "local_time": _local_time(logged_at, request),
        "stan": request.get("11", ""),
        "batch_no": field60[2:8] if len(field60) >= 8 else "",
        "rrn": response.get("37", "") or request.get("37", ""),
        "auth_code": response.get("38", "") or request.get("38", ""),
        "response_code": response.get("39", ""),
    }


def iter_log_records(lines: Iterable[str]) -> Iterator[tuple[int, dict[str, str] | LogError]]:
    """Yield (line number of the request, canonical record) or (line, LogError).

    Streams: only requests still waiting for their response are kept in memory.
    """
    pending: OrderedDict[tuple[str, str, str], tuple[int, dict[str, str], dt.datetime]] = (
        OrderedDict()
    )
    for number, line in enumerate(lines, start=1):
        text = line.strip()
        if not text or text.startswith("#"):
            continue
        parts = text.split()
        if len(parts) != 3:
            yield number, LogError(number, "line", text[:40], "format")
            continue
        stamp, direction, hex_text = parts
        try:
            logged_at = dt.datetime.fromisoformat(stamp)
        except ValueError:
            yield number, LogError(number, "time", stamp, "time")
            continue
        if logged_at.tzinfo is None:
            yield number, LogError(number, "time", stamp, "time")
            continue
        direction = {">": "REQ", "<": "RSP"}.get(direction, direction.upper())
        if direction not in ("REQ", "RSP"):
            yield number, LogError(number, "direction", direction, "direction")
            continue
        try:
            raw = bytes.fromhex(hex_text)
        except ValueError:
            yield number, LogError(number, "message", f"{len(hex_text)} hex chars", "hex")
            continue
        try:
            message = decode_message(raw)
        except iso8583.DecodeError as error:
            yield number, LogError(number, "message", f"field {error.field}", "decode")
            continue
        # The full card number goes no further than this line.
        if "2" in message:
            try:
                message["2"] = normalize_pan(message["2"]).masked
            except InvalidCardNumber:
                message["2"] = ""
                yield number, LogError(number, "pan", "", "pan")
                continue
        message.pop("35", None)
        message.pop("36", None)
        mti = message.get("t", "")
        if direction == "REQ":
            if mti not in REQUEST_MTIS:
                yield number, LogError(number, "mti", mti, "mti")
                continue
            if txn_type_of(message) is None:
                yield number, LogError(number, "processing_code", message.get("3", ""), "type")
                continue
            response_mti = f"{int(mti) + 10:04d}"
            key = (message.get("41", ""), message.get("11", ""), response_mti)
            pending[key] = (number, message, logged_at)
            while len(pending) > MAX_PENDING:
                (_k, (old_line, _m, _t)) = pending.popitem(last=False)
                yield old_line, LogError(old_line, "message", "", "no_response")
            continue
        if mti not in RESPONSE_MTIS:
            yield number, LogError(number, "mti", mti, "mti")
            continue
        key = (message.get("41", ""), message.get("11", ""), mti)
        waiting = pending.pop(key, None)
        if waiting is None:
            yield number, LogError(number, "message", f"{key[0]}/{key[1]}", "unpaired_response")
            continue
        request_line, request, request_time = waiting
        yield request_line, _record(request, message, request_time)
    for request_line, _message, _time in pending.values():
        yield request_line, LogError(request_line, "message", "", "no_response")


def format_log_line(logged_at: dt.datetime, direction: str, message: bytes) -> str:
    return f"{logged_at.isoformat()} {direction} {message.hex().upper()}"
