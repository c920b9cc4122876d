"""The demo fleet: merchants, stores, contacts, terminals and users, built deterministically
from a seeded random generator so every `make demo` shows the same data."""

from __future__ import annotations

import datetime as dt
import random

from django.conf import settings

from accounts import two_factor
from accounts.models import User
from core.types import DemoLog
from directory.models import Institution
from merchants.models import Contact, Merchant, Store
from terminals.catalogue import MODELS
from terminals.models import Terminal, TerminalModel

MERCHANT_COUNT = 2400
ORDER = 10  # load_demo runs app demos in this order

PREFIXES = [
    "老王",
    "鑫源",
    "好又多",
    "阿香",
    "川味",
    "福满",
    "金泰",
    "家家乐",
    "百姓",
    "如意",
    "喜来",
    "东方",
    "华联",
    "民生",
    "永盛",
    "小杨",
    "和顺",
    "悦来",
    "聚福",
    "鸿运",
    "春天",
    "大桥",
    "新世纪",
    "阳光",
    "乐购",
    "天天",
    "兴隆",
    "宏发",
    "万家",
    "满园",
]
KINDS = [
    ("5499", "便利店"),
    ("5411", "超市"),
    ("5812", "餐馆"),
    ("5814", "快餐"),
    ("5912", "大药房"),
    ("5651", "服装店"),
    ("5732", "数码城"),
    ("5462", "烘焙坊"),
    ("7230", "美发店"),
    ("7011", "酒店"),
    ("5422", "生鲜店"),
    ("5992", "鲜花店"),
    ("5541", "加油站"),
]
DISTRICTS = [
    ("110105", "北京市朝阳区", "建国路"),
    ("110108", "北京市海淀区", "中关村大街"),
    ("310115", "上海市浦东新区", "张杨路"),
    ("310104", "上海市徐汇区", "漕溪北路"),
    ("440106", "广州市天河区", "天河路"),
    ("440305", "深圳市南山区", "科技园路"),
    ("330106", "杭州市西湖区", "文三路"),
    ("320508", "苏州市姑苏区", "观前街"),
    ("510107", "成都市武侯区", "武侯祠大街"),
    ("420106", "武汉市武昌区", "中南路"),
    ("500103", "重庆市渝中区", "解放碑"),
    ("610113", "西安市雁塔区", "小寨东路"),
]
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何林罗高"
GIVEN = [
    "伟",
    "芳",
    "娜",
    "敏",
    "静",
    "磊",
    "强",
    "军",
    "洋",
    "勇",
    "艳",
    "杰",
    "娟",
    "涛",
    "明",
    "超",
    "秀英",
    "建华",
    "海燕",
    "志强",
]
MOBILE_PREFIXES = [
    "138",
    "139",
    "135",
    "136",
    "150",
    "151",
    "186",
    "188",
    "177",
    "199",
    "137",
    "158",
]
BANKS = ["中国工商银行", "中国建设银行", "中国农业银行", "招商银行", "中国银行", "交通银行"]
# Firmware lines per model family, so the fleet has realistic version spread.
FIRMWARE_SUFFIXES = ["1.2.0", "1.3.4", "1.4.1", "2.0.3", "2.1.0"]
CYCLES = ["T1"] * 60 + ["D1"] * 15 + ["T0"] * 10 + ["D0"] * 5 + ["S0"] * 10

# The demo supervisor's and admin's authenticator key (demo data only, published in README):
# base32 OBXX GY3B OJSS 2ZDF NVXS 2MTG MEWW WZLZ.
DEMO_TOTP_KEY = b"poscare-demo-2fa-key".hex()

DEMO_STAFF = [
    # username, role, agent_no, display name
    ("admin", User.Role.ADMIN, "A0001", "系统管理员"),
    ("supervisor", User.Role.SUPERVISOR, "S1001", "陈主管"),
    ("agent", User.Role.L1, "A1001", "王芳"),
    ("agent2", User.Role.L1, "A1002", "李娜"),
    ("agent3", User.Role.L1, "A1003", "赵磊"),
    ("tech", User.Role.L2, "T2001", "张工"),
    ("tech2", User.Role.L2, "T2002", "刘工"),
]


def _phone(rng: random.Random) -> str:
    return f"+86{rng.choice(MOBILE_PREFIXES)}{rng.randrange(10**8):08d}"


def _serial(model: TerminalModel, rng: random.Random, seq: int) -> str:
    prefix = model.name.replace(" ", "")[:4].upper()
    return f"{prefix}{rng.randrange(10**9):09d}{seq:05d}"


def _person(rng: random.Random) -> str:
    return rng.choice(SURNAMES) + rng.choice(GIVEN)


# size: the demo's merchants and terminals, one pass; runs once per demo database
def load(rng: random.Random, log: DemoLog) -> None:
    acquirers = list(Institution.objects.filter(kind__in=["acquirer", "bank"]).order_by("code"))
    models = {(m.manufacturer, m.name): m for m in TerminalModel.objects.all()}
    catalogue = [
        (models[(maker, name)], comm, firmware) for maker, name, _k, comm, firmware in MODELS
    ]
    model_weights = [14, 10, 5, 8, 10, 6, 3, 7, 5, 6, 4, 8, 5, 2, 3, 4]

    merchants: list[Merchant] = []
    seq_by_prefix: dict[str, int] = {}
    for index in range(MERCHANT_COUNT):
        mcc, kind = rng.choice(KINDS)
        region, region_name, street = rng.choice(DISTRICTS)
        prefix = f"898{region[:4]}{mcc}"
        seq_by_prefix[prefix] = seq_by_prefix.get(prefix, 0) + 1
        name = f"{rng.choice(PREFIXES)}{kind}"
        branch = region_name[3:5] if index % 3 == 0 else ""
        status = "active"
        roll = rng.random()
        if roll < 0.02:
            status = "frozen"
        elif roll < 0.04:
            status = "closed"
        merchants.append(
            Merchant(
                merchant_id=f"{prefix}{seq_by_prefix[prefix]:04d}",
                name=f"{region_name[:2]}{name}{'（' + branch + '店）' if branch else ''}",
                short_name=name,
                mcc=mcc,
                region_code=region,
                address=f"{region_name}{street}{rng.randint(1, 999)}号",
                settlement_cycle=rng.choice(CYCLES),
                settlement_bank=rng.choice(BANKS),
                settlement_account_name=_person(rng),
                settlement_account_masked=f"**** {rng.randrange(10**4):04d}",
                status=status,
                acquirer=rng.choice(acquirers) if acquirers else None,
            )
        )
    Merchant.objects.bulk_create(merchants, batch_size=1000)
    merchants = list(Merchant.objects.order_by("merchant_id"))
    log(f"  {len(merchants)} merchants")

    stores: list[Store] = []
    contacts: list[Contact] = []
    for merchant in merchants:
        for number in range(1 if rng.random() < 0.8 else rng.randint(2, 4)):
            stores.append(
                Store(
                    merchant=merchant,
                    store_code=f"S{number + 1:02d}",
                    name=f"{merchant.short_name}{['总店', '二店', '三店', '四店'][number]}",
                    region_code=merchant.region_code,
                    address=merchant.address,
                )
            )
        contacts.append(
            Contact(
                merchant=merchant,
                name=merchant.settlement_account_name,
                role="owner",
                phone=_phone(rng),
                email=f"owner{merchant.merchant_id[-6:]}@example.cn",
                is_primary=True,
            )
        )
        if rng.random() < 0.4:
            contacts.append(
                Contact(merchant=merchant, name=_person(rng), role="cashier", phone=_phone(rng))
            )
    Store.objects.bulk_create(stores, batch_size=1000)
    Contact.objects.bulk_create(contacts, batch_size=1000)
    stores_by_merchant: dict[int, list[Store]] = {}
    for store in Store.objects.order_by("merchant_id", "store_code"):
        stores_by_merchant.setdefault(store.merchant_id, []).append(store)
    log(f"  {len(stores)} stores, {len(contacts)} contacts")

    terminals: list[Terminal] = []
    today = dt.date(2026, 11, 1)
    for merchant in merchants:
        merchant_stores = stores_by_merchant[merchant.pk]
        count = len(merchant_stores) + (1 if rng.random() < 0.5 else 0)
        for number in range(count):
            model, comm_types, firmware = rng.choices(catalogue, weights=model_weights)[0]
            installed = today - dt.timedelta(days=rng.randint(20, 5 * 365))
            status = "active"
            if merchant.status == "closed":
                status = "retired"
            elif rng.random() < 0.02:
                status = "in_repair"
            elif rng.random() < 0.02:
                status = "suspended"
            seq = len(terminals) + 1
            terminals.append(
                Terminal(
                    terminal_id=f"{10000000 + seq * 7:08d}"[:8],
                    serial_number=_serial(model, rng, seq),
                    model=model,
                    merchant=merchant,
                    store=merchant_stores[number % len(merchant_stores)],
                    firmware_version=f"{firmware} / {rng.choice(FIRMWARE_SUFFIXES)}",
                    app_version=f"3.{rng.randint(0, 6)}.{rng.randint(0, 12)}",
                    comm_type=rng.choice(comm_types),
                    install_date=installed,
                    warranty_end=installed + dt.timedelta(days=3 * 365),
                    status=status,
                )
            )
    Terminal.objects.bulk_create(terminals, batch_size=1000)
    log(f"  {len(terminals)} terminals")

    password = settings.DEMO_PASSWORD
    for username, role, agent_no, name in DEMO_STAFF:
        user = User(
            username=username,
            role=role,
            agent_no=agent_no,
            display_name=name,
            email=f"{username}@poscare.local",
            is_superuser=(role == User.Role.ADMIN),
        )
        user.set_password(password)
        user.save()
        if role in (User.Role.ADMIN, User.Role.SUPERVISOR):
            # Two-factor login is required for them: pre-enrolled with the published demo key
            # (README "Demo logins"; `manage.py demo_totp` prints the current code).
            two_factor.demo_device(user, DEMO_TOTP_KEY)
    # Merchant users: "merchant" runs two shops, the others one each.
    owners = [m for m in merchants if m.status == "active"]
    for index, username in enumerate(["merchant", "merchant2", "merchant3"]):
        user = User(
            username=username,
            role=User.Role.MERCHANT,
            display_name=owners[index * 7].settlement_account_name,
            email=f"{username}@example.cn",
        )
        user.set_password(password)
        user.save()
        owners[index * 7].members.add(user)
        if username == "merchant":
            owners[1].members.add(user)
    _team(owners[0], password)
    log(f"  {len(DEMO_STAFF)} staff, 3 merchant owners and their team (password: {password})")


def _team(merchant: Merchant, password: str) -> None:
    """The "merchant" user's first shop has a manager and a cashier of its first store."""
    from accounts.models import User
    from merchants.models import Membership

    store = merchant.stores.order_by("store_code").first()
    for username, role, name in (
        ("manager", "manager", "店长 刘洋"),
        ("cashier", "cashier", "收银员 小周"),
    ):
        user = User(username=username, role=User.Role.MERCHANT, display_name=name)
        user.set_password(password)
        user.save()
        Membership.objects.create(
            merchant=merchant, user=user, role=role, store=store if role == "cashier" else None
        )
