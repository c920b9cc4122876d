"""Checking one record: each bad cell becomes a (column, value, message) problem, a good
record becomes a row in the staging column order (`STAGE_COLUMNS`) with its card number
masked. Knows the terminals (looked up a batch at a time) and the response codes."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils.translation import gettext_lazy as _

from core.errors import lazy_format
from core.identifiers import MERCHANT_ID_RE, TERMINAL_ID_RE
from payments.cards import CardNumber, InvalidCardNumber, normalize_pan
from payments.ingest.sources import Record
from payments.localtime import LocalTimeError, parse_local_time

TXN_TYPES = {
    "sale": "sale",
    "消费": "sale",
    "void": "void",
    "撤销": "void",
    "消费撤销": "void",
    "refund": "refund",
    "退货": "refund",
    "reversal": "reversal",
    "冲正": "reversal",
    "preauth": "preauth",
    "预授权": "preauth",
    "preauth_completion": "preauth_completion",
    "预授权完成": "preauth_completion",
    "preauth_cancel": "preauth_cancel",
    "预授权撤销": "preauth_cancel",
    "qr_payment": "qr_payment",
    "扫码": "qr_payment",
    "扫码支付": "qr_payment",
}
ENTRY_MODES = {
    "chip": "chip",
    "插卡": "chip",
    "icc": "chip",
    "swipe": "swipe",
    "刷卡": "swipe",
    "magstripe": "swipe",
    "contactless": "contactless",
    "挥卡": "contactless",
    "闪付": "contactless",
    "nfc": "contactless",
    "qr": "qr",
    "扫码": "qr",
    "manual": "manual",
    "手输": "manual",
}
CURRENCIES = {"CNY": "CNY", "156": "CNY", "RMB": "CNY", "人民币": "CNY"}
ADJUSTMENT_TYPES = ("void", "refund", "reversal", "preauth_cancel", "preauth_completion")
ORIGINAL_STATUS = {
    "void": "voided",
    "refund": "refunded",
    "reversal": "reversed",
    "preauth_cancel": "voided",
}

_AMOUNT = re.compile(r"^\d{1,12}(\.\d{1,2})?$")
_DIGITS_1_6 = re.compile(r"^\d{1,6}$")
_RRN = re.compile(r"^[0-9A-Za-z]{12}$")
_AUTH = re.compile(r"^[0-9A-Za-z ]{0,6}$")


# The staging row a good record becomes, in this order (also the COPY column order).
STAGE_COLUMNS = (
    "merchant_id",
    "terminal_id",
    "txn_type",
    "amount",
    "currency",
    "pan_masked",
    "card_last4",
    "card_brand",
    "entry_mode",
    "local_time",
    "txn_date",
    "stan",
    "batch_no",
    "rrn",
    "auth_code",
    "response_code",
    "settlement_date",
    "status",
    "source",
    "orig_rrn",
)

Problems = list[tuple[str, str, Any]]  # (column, value, message)


@dataclass(frozen=True)
class TerminalInfo:
    pk: int
    merchant_pk: int
    merchant_id: str
    cutoff: dt.time
    timezone: ZoneInfo


def _problem(column: str, cell: str, template: Any, /, **params: Any) -> tuple[str, str, Any]:
    return (column, cell, lazy_format(template, **params))


class Cleaner:
    """Turns canonical records into staging rows; knows terminals and response codes."""

    def __init__(self, source: str, settlement_date: dt.date | None = None) -> None:
        from payments.models import ResponseCode

        self.source = source
        # The batch's settlement date: the year of MMDDhhmmss times (today when not given).
        self.settlement_date = settlement_date
        self.codes: dict[str, bool] = {}
        for code, success in ResponseCode.objects.values_list("code", "is_success"):
            self.codes[code] = self.codes.get(code, False) or success
        self.terminals: dict[str, TerminalInfo | None] = {}
        self.masked_pans = 0

    def prepare(self, batch: list[Record]) -> None:
        from terminals.models import Terminal

        wanted = {
            values[1]
            for _n, values in batch
            if isinstance(values, list) and values[1] not in self.terminals
        }
        if not wanted:
            return
        if len(self.terminals) > 200_000:
            self.terminals.clear()
        found = Terminal.objects.filter(terminal_id__in=wanted).values_list(
            "terminal_id",
            "pk",
            "merchant_id",
            "merchant__merchant_id",
            "merchant__settlement_cutoff",
            "merchant__timezone",
        )
        for terminal_id, pk, merchant_pk, merchant_id, cutoff, zone in found:
            self.terminals[terminal_id] = TerminalInfo(
                pk, merchant_pk, merchant_id, cutoff, ZoneInfo(zone or settings.TIME_ZONE)
            )
        for terminal_id in wanted:
            self.terminals.setdefault(terminal_id, None)

    def clean(self, values: list[str]) -> tuple[Any, ...] | Problems:
        """A staging row, or the list of (column, value, message) that is wrong with it."""
        (
            merchant_id,
            terminal_id,
            txn_type,
            amount,
            currency,
            pan,
            entry_mode,
            local_time,
            stan,
            batch_no,
            rrn,
            auth_code,
            response_code,
            orig_rrn,
        ) = values
        errors: Problems = []
        terminal = self._terminal(merchant_id, terminal_id, errors)
        kind, fen, currency_code = self._money(txn_type, amount, currency, errors)
        card, mode = self._card(pan, entry_mode, errors)
        moment = self._moment(local_time, terminal, errors)
        self._references(stan, batch_no, rrn, orig_rrn, auth_code, errors)
        response_code = response_code.upper()
        success = self.codes.get(response_code)
        if success is None:
            errors.append(
                _problem(
                    "response_code",
                    response_code,
                    _("应答码“%(value)s”不在应答码表中"),
                    value=response_code,
                )
            )
        if errors:
            return errors
        assert terminal is not None and moment is not None and card is not None
        if card.was_full:
            self.masked_pans += 1
        local_date = moment.date()
        settlement_date = (
            local_date + dt.timedelta(days=1) if moment.time() >= terminal.cutoff else local_date
        )
        return (
            terminal.merchant_pk,
            terminal.pk,
            kind,
            fen,
            currency_code,
            card.masked,
            card.last4,
            card.brand if mode != "qr" or card.last4 else "wallet",
            mode,
            moment.astimezone(dt.UTC),
            local_date,
            stan.zfill(6),
            batch_no.zfill(6),
            rrn.upper() or None,
            auth_code.strip().upper(),
            response_code,
            settlement_date,
            "approved" if success else "declined",
            self.source,
            orig_rrn.upper() or None,
        )

    def _terminal(
        self, merchant_id: str, terminal_id: str, errors: Problems
    ) -> TerminalInfo | None:
        if not MERCHANT_ID_RE.match(merchant_id):
            errors.append(
                _problem(
                    "merchant_id",
                    merchant_id,
                    _("商户编号“%(value)s”应为 15 位数字"),
                    value=merchant_id,
                )
            )
        if not TERMINAL_ID_RE.match(terminal_id):
            errors.append(
                _problem(
                    "terminal_id",
                    terminal_id,
                    _("终端号“%(value)s”应为 8 位数字或大写字母"),
                    value=terminal_id,
                )
            )
            return None
        terminal = self.terminals.get(terminal_id)
        if terminal is None:
            errors.append(
                _problem(
                    "terminal_id", terminal_id, _("终端号“%(value)s”不存在"), value=terminal_id
                )
            )
        elif merchant_id and terminal.merchant_id != merchant_id:
            errors.append(
                _problem(
                    "terminal_id",
                    terminal_id,
                    _("终端“%(terminal)s”不属于商户“%(merchant)s”"),
                    terminal=terminal_id,
                    merchant=merchant_id,
                )
            )
        return terminal

    @staticmethod
    def _money(
        txn_type: str, amount: str, currency: str, errors: Problems
    ) -> tuple[str | None, int, str | None]:
        kind = TXN_TYPES.get(txn_type) or TXN_TYPES.get(txn_type.lower())
        if kind is None:
            errors.append(
                _problem("txn_type", txn_type, _("交易类型“%(value)s”无法识别"), value=txn_type)
            )
        fen = 0
        if _AMOUNT.match(amount):
            yuan, _dot, cents = amount.partition(".")
            fen = int(yuan) * 100 + int((cents + "00")[:2])
        else:
            errors.append(
                _problem(
                    "amount",
                    amount,
                    _("金额“%(value)s”应为以元为单位、最多两位小数的数字"),
                    value=amount,
                )
            )
        currency_code = CURRENCIES.get(currency.upper() or "CNY")
        if currency_code is None:
            errors.append(
                _problem(
                    "currency",
                    currency,
                    _("币种“%(value)s”不支持（仅人民币 CNY/156）"),
                    value=currency,
                )
            )
        return kind, fen, currency_code

    @staticmethod
    def _card(pan: str, entry_mode: str, errors: Problems) -> tuple[CardNumber | None, str | None]:
        card = None
        try:
            card = normalize_pan(pan)
        except InvalidCardNumber:
            errors.append(("pan", pan, _("卡号应为完整卡号或前 6 后 4 的脱敏卡号")))
        mode = ENTRY_MODES.get(entry_mode) or ENTRY_MODES.get(entry_mode.lower())
        if mode is None:
            errors.append(
                _problem(
                    "entry_mode", entry_mode, _("输入方式“%(value)s”无法识别"), value=entry_mode
                )
            )
        return card, mode

    def _moment(
        self, local_time: str, terminal: TerminalInfo | None, errors: Problems
    ) -> dt.datetime | None:
        try:
            zone = terminal.timezone if terminal is not None else settings.TIME_ZONE
            return parse_local_time(local_time, zone, self.settlement_date)
        except LocalTimeError as error:
            message = (
                _("交易时间“%(value)s”的年份超出 2000–2099")
                if error.out_of_range
                else _(
                    "交易时间“%(value)s”应为 ISO 8601（如 2025-09-30T14:00:00+08:00，"
                    "不带时区按商户时区）、YYYYMMDDhhmmss 或 MMDDhhmmss"
                )
            )
            errors.append(_problem("local_time", local_time, message, value=local_time))
            return None

    @staticmethod
    def _references(
        stan: str, batch_no: str, rrn: str, orig_rrn: str, auth_code: str, errors: Problems
    ) -> None:
        if not _DIGITS_1_6.match(stan):
            errors.append(_problem("stan", stan, _("凭证号“%(value)s”应为 1–6 位数字"), value=stan))
        if not _DIGITS_1_6.match(batch_no):
            errors.append(
                _problem(
                    "batch_no", batch_no, _("批次号“%(value)s”应为 1–6 位数字"), value=batch_no
                )
            )
        if rrn and not _RRN.match(rrn):
            errors.append(
                _problem("rrn", rrn, _("参考号“%(value)s”应为 12 位数字或字母"), value=rrn)
            )
        if orig_rrn and not _RRN.match(orig_rrn):
            errors.append(
                _problem(
                    "orig_rrn", orig_rrn, _("参考号“%(value)s”应为 12 位数字或字母"), value=orig_rrn
                )
            )
        if not _AUTH.match(auth_code):
            errors.append(
                _problem(
                    "auth_code",
                    auth_code,
                    _("授权码“%(value)s”最多 6 位数字或字母"),
                    value=auth_code,
                )
            )
