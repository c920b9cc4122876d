"""Entity extraction for merchant messages: codes, money, time, identifiers, card numbers.

Extractors run in a fixed priority order and every match "claims" its characters, so a later,
vaguer extractor never re-reads them: an RRN after "参考号" is never a phone number, the digits
of a phone number are never a response code, "1280元" is an amount and not a code.

All spans refer to the caller's original text: we extract from a length-preserving
normalisation of it (see ``normalize_for_entities``).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import cn2an

from core.identifiers import MERCHANT_ID_PATTERN, TERMINAL_ID_PATTERN
from core.masking import luhn_valid  # pure Python: the one Luhn check

from .normalize import normalize_for_entities

SHANGHAI = ZoneInfo("Asia/Shanghai")

# ---------------------------------------------------------------- helpers


@dataclass
class _Claims:
    """Character ranges already used by an earlier (more specific) extractor."""

    ranges: list[tuple[int, int]]

    def free(self, start: int, end: int) -> bool:
        return all(end <= s or start >= e for s, e in self.ranges)

    def take(self, start: int, end: int) -> None:
        self.ranges.append((start, end))


def mask_card_number(digits: str) -> str:
    return f"{digits[:6]}****{digits[-4:]}"


def _only_digits(text: str) -> str:
    return "".join(ch for ch in text if ch.isdigit())


_CN_DIGITS = {
    "零": 0,
    "〇": 0,
    "一": 1,
    "二": 2,
    "两": 2,
    "三": 3,
    "四": 4,
    "五": 5,
    "六": 6,
    "七": 7,
    "八": 8,
    "九": 9,
}


def small_number(token: str) -> int | None:
    """'15', '十五', '二十三', '两' → int (0–99); anything else → None."""
    if token.isdigit():
        return int(token)
    if not token or any(ch not in _CN_DIGITS and ch != "十" for ch in token):
        return None
    if "十" not in token:
        return _CN_DIGITS[token] if len(token) == 1 else None
    tens_part, _, units_part = token.partition("十")
    tens = _CN_DIGITS.get(tens_part, -1) if tens_part else 1
    units = _CN_DIGITS.get(units_part, -1) if units_part else 0
    if tens < 0 or units < 0:
        return None
    return tens * 10 + units


# ---------------------------------------------------------------- card numbers (PAN)

# A run of digits in groups separated by single spaces or dashes, as people paste card numbers.
_DIGIT_RUN = re.compile(r"(?<![\d.])\d+(?:[ -]\d+)*(?![\d.])")
_CARD_LABEL = re.compile(
    r"(?:卡号|银行卡|信用卡|储蓄卡|借记卡|card(?: number| no\.?)?)\s*(?:是|为|:)?\s*$"
)
# "+86 138 1234 5678" has 13 digits and may pass Luhn by chance; it is a phone number.
_MOBILE_SHAPE = re.compile(r"(?:86[- ]?)?1[3-9]\d(?:[- ]?\d{4}){2}")
_MERCHANT_LABEL = re.compile(
    r"(?:商户号|商户编号|商户代码|mid|merchant id)\s*(?:码)?\s*(?:是|为|:)?\s*$"
)


def _card_windows(text: str) -> Iterator[tuple[int, int, str]]:
    """Yield (start, end, digits) for every full card number in ``text``.

    A digit run labelled as a card ("卡号 …") counts whatever its checksum (a typo is still a
    card number); otherwise a 13–19 digit window must pass Luhn. A 15-digit value labelled as a
    merchant ID is not a card.
    """
    for run in _DIGIT_RUN.finditer(text):
        groups = [
            (m.start() + run.start(), m.end() + run.start())
            for m in re.finditer(r"\d+", run.group())
        ]
        prefix = text[max(0, run.start() - 16) : run.start()]
        labelled_card = bool(_CARD_LABEL.search(prefix))
        labelled_merchant = bool(_MERCHANT_LABEL.search(prefix))
        index = 0
        while index < len(groups):
            found = None
            for last in range(len(groups) - 1, index - 1, -1):
                start, end = groups[index][0], groups[last][1]
                digits = _only_digits(text[start:end])
                if not 13 <= len(digits) <= 19:
                    continue
                if labelled_merchant and index == 0 and len(digits) == 15:
                    continue
                if not labelled_card and _MOBILE_SHAPE.fullmatch(text[start:end]):
                    continue
                if (labelled_card and index == 0) or luhn_valid(digits):
                    found = (start, end, digits, last)
                    break
            if found is None:
                index += 1
                continue
            yield found[0], found[1], found[2]
            index = found[3] + 1


def mask_pans(text: str) -> str:
    """Replace every full card number with its first 6 and last 4 digits (6222021234****5678)."""
    normalized = normalize_for_entities(text)
    pieces, cursor = [], 0
    for start, end, digits in _card_windows(normalized):
        pieces.append(text[cursor:start])
        pieces.append(mask_card_number(digits))
        cursor = end
    pieces.append(text[cursor:])
    return "".join(pieces)


# ---------------------------------------------------------------- labelled identifiers

_FILLER = r"\s*(?:码)?\s*(?:是|为|:|#|no\.?|number)?\s*(?:是|为|:|#)?\s*"


def _labelled(labels: str, value: str) -> re.Pattern[str]:
    return re.compile(rf"(?:{labels}){_FILLER}(?P<value>{value})")


_LABELLED_PATTERNS: tuple[tuple[str, re.Pattern[str], Callable[[str], str]], ...] = (
    (
        "merchant_id",
        _labelled(
            r"商户号|商户编号|商户代码|(?<![a-z])mid|merchant id",
            rf"(?<![\d]){MERCHANT_ID_PATTERN}(?!\d)",
        ),
        str,
    ),
    (
        "terminal_id",
        _labelled(
            r"终端号|终端编号|终端id|终端代码|(?<![a-z])tid|terminal id|terminal",
            # the text is lower-cased here; the match is upper-cased back
            rf"(?<![a-z0-9]){TERMINAL_ID_PATTERN.lower()}(?![a-z0-9])",
        ),
        str.upper,
    ),
    (
        "rrn",
        _labelled(
            r"检索参考号|参考号|检索号|(?<![a-z])rrn|reference(?: number| no\.?)?|ref",
            r"(?<!\d)\d{12}(?!\d)",
        ),
        str,
    ),
    (
        "trace_no",
        _labelled(
            r"凭证号|流水号|凭证|系统跟踪号|跟踪号|(?<![a-z])trace|stan|voucher",
            r"(?<!\d)\d{6}(?!\d)",
        ),
        str,
    ),
    (
        "verification_codes",
        _labelled(
            r"验证码|校验码|动态码|短信码|动态密码|(?<![a-z])otp|verification code",
            r"(?<!\d)\d{4,8}(?!\d)",
        ),
        str,
    ),
    (
        "serial_no",
        _labelled(
            r"(?<![a-z])sn|s/n|序列号|机身号|机身编号|设备号|机器编号|serial(?: number| no\.?)?",
            r"(?<![a-z0-9])[a-z0-9][a-z0-9-]{5,23}(?![a-z0-9])",
        ),
        str.upper,
    ),
    (
        "ticket_no",
        _labelled(
            r"工单号|工单|报修单号|单号|受理号|(?<![a-z])ticket|case",
            r"(?<![a-z0-9])[a-z]{0,4}-?\d[a-z0-9-]{3,19}(?![a-z0-9])",
        ),
        str.upper,
    ),
)

# ---------------------------------------------------------------- phone numbers

_PHONE_PATTERNS = (
    re.compile(r"(?<![\d.])(?:\+?86[- ]?)?1[3-9]\d(?:[- ]?\d{4}){2}(?![\d.])"),
    re.compile(r"(?<![\d.])0\d{2,3}[- ]\d{7,8}(?![\d.])"),
    re.compile(r"(?<![\d.])0\d{9,10}(?![\d.])"),
    re.compile(r"(?<![\d.])[48]00[- ]?\d{3}[- ]?\d{4}(?![\d.])"),
    # Service short numbers (95516, 95588...) — but "95000元" is money.
    re.compile(r"(?<![\d.])(?:95\d{3}|96\d{3}|100\d{2}|12315)(?![\d.,]|\s*(?:元|块|rmb|yuan))"),
)

# ---------------------------------------------------------------- bare identifiers

_BARE_RRN = re.compile(r"(?<![\d.])\d{12}(?![\d.])")
_BARE_MERCHANT_ID = re.compile(rf"(?<![\d.]){MERCHANT_ID_PATTERN}(?![\d.])")

# ---------------------------------------------------------------- dates and times

_CN_NUM = r"[零〇一二两三四五六七八九十]"
_NUM = rf"(?:\d{{1,2}}|{_CN_NUM}{{1,3}})"
_WEEKDAYS = {
    "一": 0,
    "1": 0,
    "二": 1,
    "2": 1,
    "三": 2,
    "3": 2,
    "四": 3,
    "4": 3,
    "五": 4,
    "5": 4,
    "六": 5,
    "6": 5,
    "日": 6,
    "天": 6,
    "7": 6,
}
_RELATIVE_DAYS = {
    "今天": 0,
    "今日": 0,
    "今儿": 0,
    "today": 0,
    "昨天": -1,
    "昨日": -1,
    "昨儿": -1,
    "yesterday": -1,
    "前天": -2,
    "前日": -2,
    "大前天": -3,
    "今早": 0,
    "今晚": 0,
    "昨晚": -1,
    "昨早": -1,
    "昨夜": -1,
}
_DAY_PERIODS = {
    "凌晨": 0,
    "早上": 0,
    "早晨": 0,
    "上午": 0,
    "今早": 0,
    "昨早": 0,
    "am": 0,
    "中午": 12,
    "下午": 12,
    "傍晚": 12,
    "晚上": 12,
    "夜里": 12,
    "今晚": 12,
    "昨晚": 12,
    "昨夜": 12,
    "半夜": 0,
    "pm": 12,
}

_DATE_PATTERNS = (
    (
        "ymd",
        re.compile(
            r"(?<!\d)(?P<y>20\d{2})[-/.年](?P<m>\d{1,2})[-/.月](?P<d>\d{1,2})(?:日|号)?(?!\d)"
        ),
    ),
    ("md", re.compile(rf"(?<!\d)(?P<m>{_NUM})月(?:份)?(?P<d>{_NUM})(?:日|号)?")),
    (
        "md_slash",
        re.compile(r"(?<![\d./])(?P<m>1[0-2]|0?[1-9])/(?P<d>3[01]|[12]\d|0?[1-9])(?![\d./%])"),
    ),
    (
        "weekday",
        re.compile(
            r"(?P<rel>上上|上个|上|本|这个|这|下)?(?:周|星期|礼拜)(?P<w>[一二三四五六日天1-7])"
        ),
    ),
    ("days_ago", re.compile(rf"(?P<n>\d{{1,2}}|{_CN_NUM}{{1,2}})天(?:前|之前|以前)")),
    (
        "day_of_month",
        re.compile(
            r"(?P<rel>上个?月|这个?月|本月)?(?<![\d.])(?P<d>[12]\d|3[01]|0?[1-9])(?:号|日)(?![机码线店错窗台楼])"
        ),
    ),
    ("relative", re.compile("|".join(sorted(_RELATIVE_DAYS, key=len, reverse=True)))),
)

_PERIOD = "|".join(
    sorted((p for p in _DAY_PERIODS if not p.startswith(("今", "昨"))), key=len, reverse=True)
)
_TIME_PATTERNS = (
    re.compile(rf"(?P<period>{_PERIOD})?\s*(?P<h>[01]?\d|2[0-3]):(?P<min>[0-5]\d)(?!\d)"),
    re.compile(
        rf"(?P<period>{_PERIOD})?\s*(?P<h>{_NUM})\s*(?:点钟|点|时)"
        rf"(?:\s*(?P<half>半)|\s*(?P<quarter>一刻|三刻)|\s*(?P<min>\d{{1,2}}|{_CN_NUM}{{1,3}})\s*分?)?"
    ),
    re.compile(r"(?P<h>1[0-2]|0?[1-9])\s*(?P<period>am|pm)(?![a-z])"),
)
_PERIOD_ONLY = re.compile(_PERIOD)


def _shift_month(day: date, months: int) -> date:
    month_index = day.year * 12 + day.month - 1 + months
    return day.replace(year=month_index // 12, month=month_index % 12 + 1, day=1)


def _safe_date(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None


def _resolve_date(kind: str, match: re.Match[str], today: date) -> date | None:
    """Turn one date match into a calendar date, assuming merchants talk about the past."""
    groups = match.groupdict()
    if kind == "ymd":
        return _safe_date(int(groups["y"]), int(groups["m"]), int(groups["d"]))
    if kind in ("md", "md_slash"):
        month, day = small_number(groups["m"]), small_number(groups["d"])
        if month is None or day is None:
            return None
        resolved = _safe_date(today.year, month, day)
        if resolved and resolved > today:
            resolved = _safe_date(today.year - 1, month, day)
        return resolved
    if kind == "weekday":
        target = _WEEKDAYS[groups["w"]]
        monday = today - timedelta(days=today.weekday())
        offset = {"上上": -2, "上个": -1, "上": -1, "下": 1}.get(groups["rel"] or "", 0)
        resolved = monday + timedelta(weeks=offset, days=target)
        if not groups["rel"] and resolved > today:
            resolved -= timedelta(weeks=1)
        return resolved
    if kind == "days_ago":
        count = small_number(groups["n"])
        return today - timedelta(days=count) if count is not None else None
    if kind == "day_of_month":
        rel = groups["rel"] or ""
        base = _shift_month(today, -1) if rel.startswith("上") else today.replace(day=1)
        resolved = _safe_date(base.year, base.month, int(groups["d"]))
        if resolved and not rel and resolved > today:
            previous = _shift_month(today, -1)
            resolved = _safe_date(previous.year, previous.month, int(groups["d"]))
        return resolved
    return today + timedelta(days=_RELATIVE_DAYS[match.group()])


def _resolve_time(match: re.Match[str], implied_period: str | None) -> time | None:
    groups = match.groupdict()
    hour = small_number(groups["h"])
    if hour is None or hour > 24:
        return None
    minute = 0
    if groups.get("half"):
        minute = 30
    elif groups.get("quarter"):
        minute = 15 if groups["quarter"] == "一刻" else 45
    elif groups.get("min"):
        parsed = small_number(groups["min"])
        if parsed is None or parsed > 59:
            return None
        minute = parsed
    period = groups.get("period") or implied_period
    # An afternoon/evening period moves the clock past noon, except "中午11点/12点".
    afternoon = period is not None and _DAY_PERIODS.get(period) == 12
    if afternoon and hour < 12 and not (period == "中午" and hour >= 11):
        hour += 12
    if period in ("凌晨", "半夜") and hour == 12:
        hour = 0
    return time(hour % 24, minute)


@dataclass
class _Found:
    start: int
    end: int
    day: date | None = None
    clock: time | None = None
    period: str | None = None


def _find_dates(text: str, claims: _Claims, today: date) -> list[_Found]:
    found: list[_Found] = []
    for kind, pattern in _DATE_PATTERNS:
        for match in pattern.finditer(text):
            if not claims.free(match.start(), match.end()):
                continue
            resolved = _resolve_date(kind, match, today)
            if resolved is None:
                continue
            claims.take(match.start(), match.end())
            period = match.group() if match.group() in _DAY_PERIODS else None
            found.append(_Found(match.start(), match.end(), day=resolved, period=period))
    return found


def _find_times(text: str, claims: _Claims) -> list[_Found]:
    found: list[_Found] = []
    for pattern in _TIME_PATTERNS:
        for match in pattern.finditer(text):
            if not claims.free(match.start(), match.end()):
                continue
            clock = _resolve_time(match, None)
            if clock is None:
                continue
            claims.take(match.start(), match.end())
            found.append(_Found(match.start(), match.end(), clock=clock))
    for match in _PERIOD_ONLY.finditer(text):
        if claims.free(match.start(), match.end()):
            claims.take(match.start(), match.end())
            found.append(_Found(match.start(), match.end(), period=match.group()))
    return found


def _merge_date_and_time(dates: list[_Found], times: list[_Found], text: str) -> list[_Found]:
    """'昨天' + '下午三点' written together are one moment; a lone time means today."""
    items = sorted(dates + times, key=lambda item: item.start)
    merged: list[_Found] = []
    for item in items:
        previous = merged[-1] if merged else None
        gap = text[previous.end : item.start] if previous else ""
        joinable = previous is not None and gap.strip() in ("", "的", ",", "，")
        if previous and joinable and previous.clock is None and item.day is None:
            previous.end = item.end
            previous.clock = item.clock
            previous.period = previous.period or item.period
            if previous.clock is None and item.period:
                previous.period = item.period
            continue
        merged.append(item)
    for item in merged:
        # "昨晚11点": the evening came with the date word, the clock did not know it.
        evening_date = item.period is not None and _DAY_PERIODS.get(item.period) == 12
        if item.clock is not None and evening_date and item.clock.hour < 12:
            item.clock = item.clock.replace(hour=item.clock.hour + 12)
    return merged


def _datetime_entities(
    text: str, original: str, claims: _Claims, now: datetime
) -> list[dict[str, Any]]:
    today = now.astimezone(SHANGHAI).date()
    dates = _find_dates(text, claims, today)
    times = _find_times(text, claims)
    entities = []
    for item in _merge_date_and_time(dates, times, text):
        if item.day is None and item.clock is None:
            continue  # a bare "下午" says nothing we can use
        day = item.day or today
        entity: dict[str, Any] = {
            "text": original[item.start : item.end],
            "start": item.start,
            "end": item.end,
            "date": day.isoformat(),
            "time": item.clock.strftime("%H:%M") if item.clock else None,
        }
        if item.clock is None and item.period:
            entity["part_of_day"] = item.period
        if item.clock is not None:
            entity["datetime"] = datetime.combine(day, item.clock, SHANGHAI).isoformat()
        entities.append(entity)
    return entities


# ---------------------------------------------------------------- amounts and rates

_UNIT = r"(?:元|块钱|块|圆|rmb|yuan|cny)"
_MONEY_CONTEXT = (
    r"(?:金额|刷了|刷|收了|收款|扣了|扣款|扣|付了|付款|消费了|消费|退了|退款|退|到账|少了|"
    r"多扣了|多扣|少到|到了|charged|paid|amount)"
)
_NOT_AFTER_NUMBER = r"(?![\d.%]|\s*(?:次|笔|张|台|个|天|月|日|号|点|时|分|秒|年|周|遍|下|:|位|%))"

_AMOUNT_PATTERNS: tuple[tuple[str, re.Pattern[str]], ...] = (
    (
        "cn",
        re.compile(
            rf"(?P<num>[零〇一二两三四五六七八九十百千万]+)\s*{_UNIT}(?:(?P<jiao>[一二三四五六七八九])(?:毛|角)?)?"
        ),
    ),
    ("wan", re.compile(r"(?<![\d.])(?P<num>\d+(?:\.\d+)?)\s*(?:万|w)(?:元|块)?(?![a-z])")),
    (
        "unit",
        re.compile(
            rf"(?:[¥￥]|rmb|cny)?\s*(?<![\d.,])(?P<num>\d{{1,3}}(?:,\d{{3}})+(?:\.\d{{1,2}})?|\d+(?:\.\d{{1,2}})?)\s*{_UNIT}(?:(?P<jiao>\d)(?![\d.])(?:毛|角)?)?"
        ),
    ),
    (
        "symbol",
        re.compile(
            r"(?:[¥￥]|rmb|cny)\s*(?P<num>\d{1,3}(?:,\d{3})+(?:\.\d{1,2})?|\d+(?:\.\d{1,2})?)(?![\d%])"
        ),
    ),
    (
        "formatted",
        re.compile(r"(?<![\d.,])(?P<num>\d{1,3}(?:,\d{3})+(?:\.\d{1,2})?|\d+\.\d{2})(?![\d.,%])"),
    ),
    ("context", re.compile(rf"{_MONEY_CONTEXT}\s*(?P<num>\d+(?:\.\d{{1,2}})?){_NOT_AFTER_NUMBER}")),
)

_RATE_PATTERNS = (
    re.compile(r"(?<![\d.])\d+(?:\.\d+)?\s*%"),
    re.compile(r"千分之\s*(?:[\d.]+|[零一二两三四五六七八九十点]+)"),
    re.compile(r"万分之\s*(?:[\d.]+|[零一二两三四五六七八九十点]+)"),
)


def _amount_to_fen(kind: str, match: re.Match[str]) -> int | None:
    raw = match.group("num").replace(",", "")
    try:
        if kind == "cn":
            yuan = float(cn2an.cn2an(raw, "smart"))
        elif kind == "wan":
            yuan = float(raw) * 10000
        else:
            yuan = float(raw)
    except ValueError:
        return None
    fen = round(yuan * 100)
    jiao = match.groupdict().get("jiao")
    if jiao:
        fen += 10 * (int(jiao) if jiao.isdigit() else _CN_DIGITS[jiao])
    return fen if fen > 0 else None


# ---------------------------------------------------------------- response codes

_CODE = r"(?P<code>\d{2}|a\d)"
_CODE_END = (
    r"(?![\d.:/a-z]|,\d"  # "51,000" is an amount; "51, what" is a code
    r"|\s*(?:元|块|次|笔|张|台|个|天|月|日|号(?!错)|点|时|分|秒|年|%|位|万|岁|毛|角))"
)
_CODE_LABEL = (
    r"(?:显示|提示|代码|返回码|应答码|错误码|响应码|错误代码|错误|报错|报|出现|跳出|弹出|弹|"
    r"失败|故障|码|code|error|err|rc|reason|fail(?:ed)?|declined?|shows?|showing|says)"
)
# Between a label and the code: a few words ("交易失败", "的是"), never a verb that introduces
# a quantity ("刷了50"), never the end of a sentence.
_CODE_FILLER = r"[^\d\n。！？!?刷付收扣转花充买卖退了共总]{0,8}?"
_CODE_PATTERNS = (
    re.compile(rf"{_CODE_LABEL}{_CODE_FILLER}(?<![a-z\d]){_CODE}{_CODE_END}"),
    re.compile(
        rf"(?<![\d.a-z]){_CODE}\s*号?\s*(?:错误码|错误|错|报错|代码|返回码|应答码|码|error|的错误)"
    ),
)

# ---------------------------------------------------------------- keyword entities

_KEYWORD_ENTITIES: dict[str, dict[str, str]] = {
    "card_type": {
        "芯片": "chip",
        "ic卡": "chip",
        "磁条": "magstripe",
        "闪付": "contactless",
        "挥卡": "contactless",
        "碰一碰": "contactless",
        "nfc": "contactless",
        "contactless": "contactless",
        "chip": "chip",
        "swipe": "magstripe",
        "信用卡": "credit",
        "借记卡": "debit",
        "储蓄卡": "debit",
    },
    "network_type": {
        "wifi": "wifi",
        "4g": "mobile",
        "5g": "mobile",
        "流量": "mobile",
        "sim": "mobile",
        "gprs": "mobile",
        "手机卡": "mobile",
        "网线": "ethernet",
        "有线": "ethernet",
        "蓝牙": "bluetooth",
    },
    "institution": {
        "银联商务": "chinaums",
        "银联": "unionpay",
        "unionpay": "unionpay",
        "工行": "icbc",
        "工商银行": "icbc",
        "建行": "ccb",
        "建设银行": "ccb",
        "拉卡拉": "lakala",
        "lakala": "lakala",
        "农行": "abc",
        "农业银行": "abc",
        "中国银行": "boc",
        "中行": "boc",
        "招行": "cmb",
        "招商银行": "cmb",
    },
}


def _keyword_entities(text: str) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for name, table in _KEYWORD_ENTITIES.items():
        values: list[str] = []
        consumed = text
        for keyword in sorted(table, key=len, reverse=True):
            if keyword in consumed:
                consumed = consumed.replace(keyword, " ")
                if table[keyword] not in values:
                    values.append(table[keyword])
        if values:
            found[name] = values
    return found


# ---------------------------------------------------------------- public API


def _add(result: dict[str, Any], key: str, value: Any) -> None:
    values = result.setdefault(key, [])
    if value not in values:
        values.append(value)


def extract_entities(text: str, now: datetime | None = None) -> dict[str, Any]:
    """Every entity found in ``text``, keyed by kind; kinds with nothing found are omitted.

    Card numbers are only ever reported masked (first 6 / last 4).
    """
    now = now or datetime.now(SHANGHAI)
    norm = normalize_for_entities(text)
    claims = _Claims([])
    result: dict[str, Any] = {}

    for key, pattern, clean in _LABELLED_PATTERNS:
        for match in pattern.finditer(norm):
            start, end = match.span("value")
            if claims.free(start, end):
                claims.take(start, end)
                _add(result, key, clean(match.group("value")))

    for start, end, digits in _card_windows(norm):
        if claims.free(start, end):
            claims.take(start, end)
            _add(result, "card_numbers", mask_card_number(digits))

    for pattern in _PHONE_PATTERNS:
        for match in pattern.finditer(norm):
            if claims.free(*match.span()):
                claims.take(*match.span())
                _add(result, "phones", re.sub(r"[- ]", "", match.group()))

    for key, pattern in (("rrn", _BARE_RRN), ("merchant_id", _BARE_MERCHANT_ID)):
        for match in pattern.finditer(norm):
            if claims.free(*match.span()):
                claims.take(*match.span())
                _add(result, key, match.group())

    datetimes = _datetime_entities(norm, text, claims, now)
    if datetimes:
        result["datetimes"] = datetimes

    for pattern in _RATE_PATTERNS:
        for match in pattern.finditer(norm):
            if claims.free(*match.span()):
                claims.take(*match.span())
                _add(result, "rates", re.sub(r"\s+", "", match.group()))

    for kind, pattern in _AMOUNT_PATTERNS:
        for match in pattern.finditer(norm):
            start, end = match.span("num")
            if not claims.free(start, end):
                continue
            fen = _amount_to_fen(kind, match)
            if fen is not None:
                claims.take(*match.span())
                _add(result, "amounts_fen", fen)

    for pattern in _CODE_PATTERNS:
        for match in pattern.finditer(norm):
            start, end = match.span("code")
            if claims.free(start, end):
                claims.take(start, end)
                _add(result, "response_codes", match.group("code").upper())

    result.update(_keyword_entities(norm))
    return result
