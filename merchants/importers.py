"""Spreadsheet import of merchants (upsert by merchant ID, with the primary contact)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.errors import lazy_format
from core.identifiers import MERCHANT_ID_RE
from core.importing import ErrorCollector, Importer, ImportResult, parse_choice, required
from core.masking import mask_account
from core.phones import PhoneNumberError, normalize_phone
from directory.models import Institution
from merchants.models import Contact, Merchant
from merchants.regions import is_valid_region

if TYPE_CHECKING:
    from accounts.models import User

MERCHANT_FIELDS = (
    "name",
    "short_name",
    "mcc",
    "region_code",
    "address",
    "settlement_cycle",
    "settlement_bank",
    "settlement_account_name",
    "settlement_account_masked",
    "status",
    "acquirer_id",
)


class MerchantImporter(Importer):
    key = "merchant_id"
    columns = {
        "merchant_id": ("商户编号", "商户号", "mid"),
        "name": ("商户名称", "名称"),
        "short_name": ("简称",),
        "mcc": ("mcc码", "行业类别"),
        "region_code": ("地区代码", "行政区划代码", "region"),
        "address": ("地址",),
        "settlement_cycle": ("结算周期", "cycle"),
        "settlement_bank": ("结算银行",),
        "settlement_account_name": ("结算户名",),
        "settlement_account": ("结算账号",),
        "status": ("状态",),
        "acquirer": ("收单机构",),
        "contact_name": ("联系人",),
        "contact_phone": ("联系电话", "手机号", "phone"),
        "contact_email": ("邮箱", "email"),
    }
    required_columns = ("merchant_id", "name", "mcc", "region_code")
    target_model = Merchant
    max_lengths = {
        "settlement_account": 40,
        "acquirer": 100,
        "contact_name": Contact._meta.get_field("name").max_length or 40,
        "contact_phone": 30,
        "contact_email": Contact._meta.get_field("email").max_length or 254,
    }

    def __init__(self, user: User | None = None) -> None:
        super().__init__(user)
        self.acquirers = {i.code: i.pk for i in Institution.objects.all()}
        self.acquirers.update({i.name: i.pk for i in Institution.objects.all()})
        self.existing: dict[str, Merchant] = {}
        self.contacts: dict[int, Contact] = {}
        self.seen: dict[str, int] = {}

    def prepare_batch(self, rows: list[tuple[int, dict[str, str]]]) -> None:
        ids = [row.get("merchant_id", "").strip() for _n, row in rows]
        self.existing = {m.merchant_id: m for m in Merchant.objects.filter(merchant_id__in=ids)}
        self.contacts = {
            c.merchant_id: c
            for c in Contact.objects.filter(
                merchant__in=list(self.existing.values()), is_primary=True
            )
        }

    def clean_row(self, row_number: int, row: dict[str, str]) -> dict[str, Any]:
        errors = ErrorCollector()
        merchant_id = required(row, "merchant_id", errors)
        if merchant_id and not MERCHANT_ID_RE.match(merchant_id):
            errors.add(
                "merchant_id",
                merchant_id,
                lazy_format(_("商户编号“%(value)s”应为 15 位数字"), value=merchant_id),
            )
        elif merchant_id in self.seen:
            errors.add(
                "merchant_id",
                merchant_id,
                lazy_format(_("商户编号与第 %(row)s 行重复"), row=self.seen[merchant_id]),
            )
        name = required(row, "name", errors)
        mcc = required(row, "mcc", errors)
        if mcc and not (len(mcc) == 4 and mcc.isdigit()):
            errors.add("mcc", mcc, lazy_format(_("MCC“%(value)s”应为 4 位数字"), value=mcc))
        region = required(row, "region_code", errors)
        if region and not is_valid_region(region):
            errors.add(
                "region_code",
                region,
                lazy_format(_("地区代码“%(value)s”不是有效的 6 位行政区划代码"), value=region),
            )
        cycle = parse_choice(
            row.get("settlement_cycle", ""),
            Merchant.SettlementCycle,
            "settlement_cycle",
            errors,
            default=Merchant.SettlementCycle.T1,
        )
        status = parse_choice(
            row.get("status", ""), Merchant.Status, "status", errors, default=Merchant.Status.ACTIVE
        )
        acquirer_id = None
        acquirer = row.get("acquirer", "").strip()
        if acquirer:
            acquirer_id = self.acquirers.get(acquirer)
            if acquirer_id is None:
                errors.add(
                    "acquirer",
                    acquirer,
                    lazy_format(_("未知的收单机构“%(value)s”"), value=acquirer),
                )
        phone = row.get("contact_phone", "").strip()
        if phone:
            try:
                phone = normalize_phone(phone, allow_service=False)
            except PhoneNumberError as error:
                errors.add("contact_phone", phone, error.message)
        account = row.get("settlement_account", "").strip()
        errors.check()
        self.seen[merchant_id] = row_number
        return {
            "merchant_id": merchant_id,
            "fields": {
                "name": name,
                "short_name": row.get("short_name", "").strip(),
                "mcc": mcc,
                "region_code": region,
                "address": row.get("address", "").strip(),
                "settlement_cycle": cycle,
                "settlement_bank": row.get("settlement_bank", "").strip(),
                "settlement_account_name": row.get("settlement_account_name", "").strip(),
                "settlement_account_masked": mask_account(account) if account else "",
                "status": status,
                "acquirer_id": acquirer_id,
            },
            "contact": {
                "name": row.get("contact_name", "").strip(),
                "phone": phone,
                "email": row.get("contact_email", "").strip(),
            },
        }

    def write_batch(self, cleaned: list[tuple[int, dict[str, Any]]], result: ImportResult) -> None:
        new: list[Merchant] = []
        changed: list[Merchant] = []
        now = timezone.now()
        for _number, data in cleaned:
            merchant = self.existing.get(data["merchant_id"])
            if merchant is None:
                merchant = Merchant(merchant_id=data["merchant_id"], **data["fields"])
                new.append(merchant)
                self.existing[merchant.merchant_id] = merchant
                continue
            if any(getattr(merchant, f) != v for f, v in data["fields"].items()):
                for f, v in data["fields"].items():
                    setattr(merchant, f, v)
                merchant.updated_at = now
                changed.append(merchant)
            else:
                result.unchanged += 1
        Merchant.objects.bulk_create(new)
        Merchant.objects.bulk_update(changed, fields=[*MERCHANT_FIELDS, "updated_at"])
        result.created += len(new)
        result.updated += len(changed)
        if new and new[0].pk is None:  # backends that do not return ids on bulk insert
            ids = {
                m.merchant_id: m
                for m in Merchant.objects.filter(merchant_id__in=[m.merchant_id for m in new])
            }
            self.existing.update(ids)
        self._write_contacts(cleaned)

    def _write_contacts(self, cleaned: list[tuple[int, dict[str, Any]]]) -> None:
        new: list[Contact] = []
        changed: list[Contact] = []
        for _number, data in cleaned:
            contact_data = data["contact"]
            if not contact_data["phone"]:
                continue
            merchant = self.existing[data["merchant_id"]]
            contact = self.contacts.get(merchant.pk)
            if contact is None:
                new.append(Contact(merchant=merchant, is_primary=True, **contact_data))
            elif any(getattr(contact, f) != v for f, v in contact_data.items()):
                for f, v in contact_data.items():
                    setattr(contact, f, v)
                changed.append(contact)
        Contact.objects.bulk_create(new)
        Contact.objects.bulk_update(changed, fields=["name", "phone", "email"])
