"""Spreadsheet import of terminals (upsert by terminal ID)."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.errors import lazy_format
from core.identifiers import TERMINAL_ID_RE
from core.importing import (
    ErrorCollector,
    Importer,
    ImportResult,
    parse_choice,
    parse_date,
    required,
)
from merchants.models import Merchant, Store
from terminals.models import Terminal, TerminalModel

if TYPE_CHECKING:
    from accounts.models import User

TERMINAL_FIELDS = (
    "serial_number",
    "model_id",
    "merchant_id",
    "store_id",
    "firmware_version",
    "app_version",
    "comm_type",
    "install_date",
    "warranty_end",
    "status",
)


def _model_key(text: str) -> str:
    return re.sub(r"[\s\-_]", "", text).lower()


class TerminalImporter(Importer):
    key = "terminal_id"
    columns = {
        "terminal_id": ("终端号", "tid"),
        "serial_number": ("序列号", "sn", "serial"),
        "merchant_id": ("商户编号", "商户号", "mid"),
        "model": ("型号", "终端型号"),
        "store_code": ("门店编号",),
        "firmware_version": ("固件版本", "firmware"),
        "app_version": ("应用版本", "app"),
        "comm_type": ("通信方式", "comm"),
        "install_date": ("装机日期",),
        "warranty_end": ("保修截止", "warranty"),
        "status": ("状态",),
    }
    required_columns = ("terminal_id", "serial_number", "merchant_id", "model", "comm_type")
    target_model = Terminal
    max_lengths = {"merchant_id": 15, "model": 100, "store_code": 20}

    def __init__(self, user: User | None = None) -> None:
        super().__init__(user)
        self.models: dict[str, int] = {}
        ambiguous: set[str] = set()
        for model in TerminalModel.objects.all():
            for alias in (model.code, f"{model.manufacturer} {model.name}"):
                self.models[_model_key(alias)] = model.pk
            short = _model_key(model.name)
            if short in self.models and self.models[short] != model.pk:
                ambiguous.add(short)
            self.models.setdefault(short, model.pk)
        for short in ambiguous:  # "A8" is both a PAX and a Landi: the maker must be named
            self.models.pop(short, None)
        self.existing: dict[str, Terminal] = {}
        self.merchants: dict[str, int] = {}
        self.stores: dict[tuple[int, str], int] = {}
        self.serial_owner: dict[str, str] = {}
        self.seen_tid: dict[str, int] = {}
        self.seen_serial: dict[str, tuple[str, int]] = {}

    def prepare_batch(self, rows: list[tuple[int, dict[str, str]]]) -> None:
        tids = [row.get("terminal_id", "").strip().upper() for _n, row in rows]
        serials = [row.get("serial_number", "").strip().upper() for _n, row in rows]
        mids = {row.get("merchant_id", "").strip() for _n, row in rows}
        self.existing = {t.terminal_id: t for t in Terminal.objects.filter(terminal_id__in=tids)}
        self.serial_owner = dict(
            Terminal.objects.filter(serial_number__in=serials).values_list(
                "serial_number", "terminal_id"
            )
        )
        self.merchants = dict(
            Merchant.objects.filter(merchant_id__in=mids).values_list("merchant_id", "pk")
        )
        self.stores = {
            (merchant_pk, code): pk
            for pk, merchant_pk, code in Store.objects.filter(
                merchant_id__in=self.merchants.values()
            ).values_list("pk", "merchant_id", "store_code")
        }

    def _check_serial(self, serial: str, tid: str, errors: ErrorCollector) -> None:
        """A serial number belongs to one terminal, in the database and within the file."""
        owner = self.serial_owner.get(serial)
        earlier = self.seen_serial.get(serial)
        if owner and owner != tid:
            errors.add(
                "serial_number",
                serial,
                lazy_format(_("序列号“%(value)s”已属于终端 %(tid)s"), value=serial, tid=owner),
            )
        elif earlier and earlier[0] != tid:
            errors.add(
                "serial_number",
                serial,
                lazy_format(
                    _("序列号“%(value)s”与第 %(row)s 行重复"), value=serial, row=earlier[1]
                ),
            )

    def clean_row(self, row_number: int, row: dict[str, str]) -> dict[str, Any]:
        errors = ErrorCollector()
        tid = required(row, "terminal_id", errors).upper()
        if tid and not TERMINAL_ID_RE.match(tid):
            errors.add(
                "terminal_id",
                tid,
                lazy_format(_("终端号“%(value)s”应为 8 位数字或大写字母"), value=tid),
            )
        elif tid in self.seen_tid:
            errors.add(
                "terminal_id",
                tid,
                lazy_format(_("终端号与第 %(row)s 行重复"), row=self.seen_tid[tid]),
            )
        serial = required(row, "serial_number", errors).upper()
        if serial:
            self._check_serial(serial, tid, errors)
        mid = required(row, "merchant_id", errors)
        merchant_pk = self.merchants.get(mid)
        if mid and merchant_pk is None:
            errors.add("merchant_id", mid, lazy_format(_("商户“%(value)s”不存在"), value=mid))
        model_name = required(row, "model", errors)
        model_pk = self.models.get(_model_key(model_name))
        if model_name and model_pk is None:
            errors.add(
                "model",
                model_name,
                lazy_format(
                    _("未知的终端型号“%(value)s”（请写厂商和型号，如 PAX A920）"), value=model_name
                ),
            )
        store_pk = None
        store_code = row.get("store_code", "").strip()
        if store_code and merchant_pk is not None:
            store_pk = self.stores.get((merchant_pk, store_code))
            if store_pk is None:
                errors.add(
                    "store_code",
                    store_code,
                    lazy_format(_("该商户没有门店“%(value)s”"), value=store_code),
                )
        comm = parse_choice(row.get("comm_type", ""), Terminal.CommType, "comm_type", errors)
        status = parse_choice(
            row.get("status", ""), Terminal.Status, "status", errors, default=Terminal.Status.ACTIVE
        )
        install = parse_date(row.get("install_date", ""), "install_date", errors)
        warranty = parse_date(row.get("warranty_end", ""), "warranty_end", errors)
        if install and warranty and warranty < install:
            errors.add("warranty_end", row["warranty_end"], _("保修截止日期早于装机日期"))
        errors.check()
        self.seen_tid[tid] = row_number
        self.seen_serial[serial] = (tid, row_number)
        return {
            "terminal_id": tid,
            "fields": {
                "serial_number": serial,
                "model_id": model_pk,
                "merchant_id": merchant_pk,
                "store_id": store_pk,
                "firmware_version": row.get("firmware_version", "").strip(),
                "app_version": row.get("app_version", "").strip(),
                "comm_type": comm,
                "install_date": install,
                "warranty_end": warranty,
                "status": status,
            },
        }

    def write_batch(self, cleaned: list[tuple[int, dict[str, Any]]], result: ImportResult) -> None:
        new: list[Terminal] = []
        changed: list[Terminal] = []
        now = timezone.now()
        for _number, data in cleaned:
            terminal = self.existing.get(data["terminal_id"])
            if terminal is None:
                new.append(Terminal(terminal_id=data["terminal_id"], **data["fields"]))
                continue
            if any(getattr(terminal, f) != v for f, v in data["fields"].items()):
                for f, v in data["fields"].items():
                    setattr(terminal, f, v)
                terminal.updated_at = now
                changed.append(terminal)
            else:
                result.unchanged += 1
        Terminal.objects.bulk_update(changed, fields=[*TERMINAL_FIELDS, "updated_at"])
        Terminal.objects.bulk_create(new)
        result.created += len(new)
        result.updated += len(changed)
