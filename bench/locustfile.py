"""The load test's users (bench_load.py runs locust headless against 127.0.0.1 only).

Merchants (mobile portal) and L1 agents (console), signed in beforehand (bench/load_users.py),
doing what they do in a day, with human think times:

- merchant: portal home, a merchant's page, transactions, payouts, tickets, a question to the
  assistant (API), a new ticket and a follow-up comment (API);
- agent: console home, console search (merchant ID, name, terminal), merchant 360°, the desk
  queue, a ticket, transactions, an internal note on a ticket (API).

Every response must be a success: a 4xx/5xx or a redirect to the login page is a failure.
"""

from __future__ import annotations

import itertools
import json
import os
import random

from locust import HttpUser, between, task

USERS = json.loads(open(os.environ["LOAD_USERS"], encoding="utf-8").read())  # noqa: SIM115
_merchants = itertools.cycle(USERS["merchants"])
_agents = itertools.cycle(USERS["agents"])
QUESTIONS = [
    "钱什么时候到账",
    "打印机不出纸",
    "刷卡提示51是什么意思",
    "终端连不上网络",
    "昨天的款还没到",
    "怎么退货",
    "When will my money arrive?",
    "机器显示签到失败",
]
THINK = between(
    float(os.environ.get("LOAD_THINK_MIN", "10")), float(os.environ.get("LOAD_THINK_MAX", "30"))
)


class _SignedIn(HttpUser):
    abstract = True
    wait_time = THINK
    pool: itertools.cycle

    def on_start(self) -> None:
        self.me = next(self.pool)
        self.client.cookies.set("sessionid", self.me["session"])
        self.api = {"Authorization": f"Token {self.me['token']}"}

    def page(self, url: str, name: str | None = None) -> None:
        with self.client.get(url, name=name or url, catch_response=True) as response:
            if response.status_code != 200 or "/accounts/login/" in response.url:
                response.failure(f"{response.status_code} at {response.url}")

    def post_json(self, url: str, body: dict, name: str) -> dict:
        with self.client.post(
            url, json=body, headers=self.api, name=name, catch_response=True
        ) as r:
            if r.status_code not in (200, 201):
                r.failure(f"{r.status_code}: {r.text[:200]}")
                return {}
            return r.json()


class Merchant(_SignedIn):
    fixed_count = int(os.environ.get("LOAD_MERCHANTS", "200"))
    pool = _merchants

    @task(5)
    def portal(self) -> None:
        self.page("/portal/")

    @task(3)
    def merchant_page(self) -> None:
        self.page(f"/portal/merchants/{self.me['merchant_id']}/", "/portal/merchants/[id]/")

    @task(3)
    def transactions(self) -> None:
        self.page("/portal/transactions/")

    @task(2)
    def payouts(self) -> None:
        self.page("/payouts/")

    @task(2)
    def tickets(self) -> None:
        self.page("/portal/tickets/")

    @task(3)
    def ask_assistant(self) -> None:
        self.post_json(
            "/api/assistant/messages", {"text": random.choice(QUESTIONS)}, "/api/assistant/messages"
        )

    @task(1)
    def report_and_follow_up(self) -> None:
        ticket = self.post_json(
            "/api/tickets/",
            {
                "merchant_id": self.me["merchant_id"],
                "category": random.choice(["printer_paper", "network_signin", "funds_not_arrived"]),
                "description": "负载测试：终端问题 / load test: terminal problem",
            },
            "/api/tickets/ (create)",
        )
        if ticket.get("number"):
            self.post_json(
                f"/api/tickets/{ticket['number']}/interactions/",
                {"body": "补充：重启后仍然如此 / still the same after a restart"},
                "/api/tickets/[n]/interactions/ (comment)",
            )


class Agent(_SignedIn):
    fixed_count = int(os.environ.get("LOAD_AGENTS", "50"))
    pool = _agents

    @task(3)
    def console(self) -> None:
        self.page("/console/")

    @task(4)
    def search(self) -> None:
        query = random.choice(
            [
                random.choice(USERS["merchant_ids"]),
                random.choice(USERS["merchant_ids"])[:9],
                "超市",
                "便利店",
            ]
        )
        self.page(f"/console/?q={query}", "/console/?q=[search]")

    @task(3)
    def merchant_360(self) -> None:
        self.page(
            f"/console/merchants/{random.choice(USERS['merchant_ids'])}/",
            "/console/merchants/[id]/",
        )

    @task(3)
    def desk_queue(self) -> None:
        self.page("/console/desk/")

    @task(2)
    def ticket(self) -> None:
        self.page(
            f"/console/desk/tickets/{random.choice(USERS['tickets'])}/",
            "/console/desk/tickets/[n]/",
        )

    @task(1)
    def transactions(self) -> None:
        self.page("/console/transactions/")

    @task(1)
    def note(self) -> None:
        self.post_json(
            f"/api/tickets/{random.choice(USERS['tickets'])}/interactions/",
            {"body": "已电话联系商户 / called the merchant", "is_public": False},
            "/api/tickets/[n]/interactions/ (note)",
        )
