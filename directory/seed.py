"""The official hotlines named in the source articles (shared/reference/response-codes.md).

Used by the data migration (historical models, so numbers are written already normalised)
and by the tests.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

INSTITUTIONS: list[dict[str, Any]] = [
    {
        "code": "unionpay",
        "name": "中国银联",
        "name_en": "China UnionPay",
        "kind": "scheme",
        "hotline": "95516",
        "serves": "银行卡交易、挂失、投诉，7×24 小时",
        "serves_en": "Card transactions, loss reports and complaints, 24/7",
    },
    {
        "code": "icbc",
        "name": "中国工商银行",
        "name_en": "Industrial and Commercial Bank of China",
        "kind": "bank",
        "hotline": "95588",
        "serves": "工行收单商户服务、账户与结算，7×24 小时",
        "serves_en": "ICBC merchant acquiring, accounts and settlement, 24/7",
    },
    {
        "code": "ccb",
        "name": "中国建设银行",
        "name_en": "China Construction Bank",
        "kind": "bank",
        "hotline": "95533",
        "serves": "建行收单商户服务、账户与结算，7×24 小时",
        "serves_en": "CCB merchant acquiring, accounts and settlement, 24/7",
    },
    {
        "code": "chinaums",
        "name": "银联商务",
        "name_en": "ChinaUMS",
        "kind": "acquirer",
        "hotline": "95534",
        "serves": "POS 故障报修、交易查询、结算到账，7×24 小时",
        "serves_en": "POS fault reports, transaction look-ups, settlement, 24/7",
        "windows": [
            (
                "every_day",
                dt.time(0, 0),
                dt.time(23, 59),
                "交易失败、无法刷卡、资金未到账",
                "Failed transactions, card reading, funds not arrived",
            ),
            (
                "weekdays",
                dt.time(9, 0),
                dt.time(18, 0),
                "装机、撤机、资料变更、费率咨询",
                "Installation, removal, data changes, fee questions",
            ),
        ],
        "outbound": ["95534", "02160892222"],
    },
    {
        "code": "lakala",
        "name": "拉卡拉",
        "name_en": "Lakala",
        "kind": "acquirer",
        "hotline": "95016",
        "serves": "拉卡拉商户服务，7×24 小时",
        "serves_en": "Lakala merchant service, 24/7",
        "outbound": ["95016", "01056710000"],
    },
]

# Landlines of the demo acquirer's call centre, in E.164 form.
_E164 = {"02160892222": "+862160892222", "01056710000": "+861056710000"}


def seed_directory(
    institution_model: Any, hotline_model: Any, window_model: Any, number_model: Any
) -> None:
    for data in INSTITUTIONS:
        institution, _ = institution_model.objects.update_or_create(
            code=data["code"],
            defaults={"name": data["name"], "name_en": data["name_en"], "kind": data["kind"]},
        )
        hotline, _ = hotline_model.objects.update_or_create(
            institution=institution,
            number=data["hotline"],
            defaults={
                "name": f"{data['name']}客服热线",
                "is_24x7": True,
                "channels": ["phone"],
                "serves": data["serves"],
                "serves_en": data["serves_en"],
                "is_public": True,
            },
        )
        for days, start, end, serves, serves_en in data.get("windows", []):
            window_model.objects.get_or_create(
                hotline=hotline,
                days=days,
                start=start,
                end=end,
                defaults={"serves": serves, "serves_en": serves_en},
            )
        for number in data.get("outbound", []):
            number_model.objects.get_or_create(
                institution=institution,
                number=_E164.get(number, number),
                defaults={"kind": "both", "purpose": "客服回访与通知", "is_active": True},
            )
