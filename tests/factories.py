"""factory_boy factories shared by every app's tests."""

from __future__ import annotations

import datetime as dt

import factory

from merchants.models import Contact, Merchant, Store
from terminals.models import Terminal, TerminalModel


class MerchantFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Merchant
        django_get_or_create = ("merchant_id",)

    merchant_id = factory.Sequence(lambda n: f"898440158120{n:03d}")
    name = factory.Sequence(lambda n: f"测试商户{n}")
    short_name = "测试商户"
    mcc = "5812"
    region_code = "440106"
    address = "广州市天河区天河路 1 号"
    settlement_cycle = "T1"


class StoreFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Store

    merchant = factory.SubFactory(MerchantFactory)
    store_code = factory.Sequence(lambda n: f"S{n:02d}")
    name = "总店"
    region_code = "440106"


class ContactFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Contact

    merchant = factory.SubFactory(MerchantFactory)
    name = "王伟"
    role = "owner"
    phone = factory.Sequence(lambda n: f"+86138{n:08d}")
    is_primary = True


def default_model() -> TerminalModel:
    # get_or_create: transactional tests flush the catalogue that the data migration seeded.
    model, _created = TerminalModel.objects.get_or_create(
        manufacturer="百富 PAX",
        name="A920",
        defaults={"kind": "smart", "comm_types": ["4g", "wifi"]},
    )
    return model


class TerminalFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Terminal

    terminal_id = factory.Sequence(lambda n: f"{30000000 + n:08d}")
    serial_number = factory.Sequence(lambda n: f"SN{n:010d}")
    model = factory.LazyFunction(default_model)
    merchant = factory.SubFactory(MerchantFactory)
    firmware_version = "PayDroid 7.1 / 1.4.1"
    app_version = "3.2.1"
    comm_type = "4g"
    install_date = dt.date(2025, 3, 1)
    warranty_end = dt.date(2028, 3, 1)
