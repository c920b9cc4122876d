"""Signed-in users for the load test: N merchant users (one demo merchant each) and M L1 agents,
each with a session cookie and an API token, written as JSON for bench/locustfile.py.

Sessions are made here rather than by logging in under load: the password hash (deliberately
slow) would measure the login page, not the service centre. Run by bench_load.py against the
server's database: `python bench/load_users.py OUT.json MERCHANTS AGENTS`.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "poscare.settings")


def main(out: Path, merchants: int, agents: int) -> None:
    import django

    django.setup()
    from django.conf import settings
    from django.db.models import F
    from django.test import Client
    from rest_framework.authtoken.models import Token

    from accounts.models import User
    from desk.models import Ticket
    from merchants.models import Merchant

    def session(user: User) -> str:
        client = Client()
        client.force_login(user)
        return client.cookies[settings.SESSION_COOKIE_NAME].value

    # Merchants with transactions and tickets first: their pages have something to show.
    chosen = list(
        Merchant.objects.order_by(F("tickets__created_at").desc(nulls_last=True), "id").values_list(
            "id", "merchant_id"
        )
    )
    seen: dict[int, str] = {}
    for pk, merchant_id in chosen:
        seen.setdefault(pk, merchant_id)
        if len(seen) == merchants:
            break
    users: dict[str, list[Any]] = {"merchants": [], "agents": []}
    for n, (pk, merchant_id) in enumerate(seen.items()):
        user, _ = User.objects.get_or_create(
            username=f"load-m{n:03d}", defaults={"role": User.Role.MERCHANT}
        )
        user.merchants.add(pk)
        token, _ = Token.objects.get_or_create(user=user)
        users["merchants"].append(
            {"session": session(user), "token": token.key, "merchant_id": merchant_id}
        )
    for n in range(agents):
        user, _ = User.objects.get_or_create(
            username=f"load-a{n:03d}", defaults={"role": User.Role.L1, "agent_no": f"L{n:04d}"}
        )
        token, _ = Token.objects.get_or_create(user=user)
        users["agents"].append({"session": session(user), "token": token.key})
    open_tickets = Ticket.objects.open().order_by("-id")
    users["tickets"] = list(open_tickets.values_list("number", flat=True)[:300])
    users["merchant_ids"] = list(Merchant.objects.values_list("merchant_id", flat=True)[:500])
    out.write_text(json.dumps(users))


if __name__ == "__main__":
    main(Path(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3]))
