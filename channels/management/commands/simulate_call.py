"""Play a call from a merchant's registered phone into a running poscare, as its phone system
would: ringing on an agent's extension, answered, then ended with a recording link.

    manage.py simulate_call --merchant 898110154110001 --agent A1001 --seconds 20
"""

from __future__ import annotations

import time
import urllib.request
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from channels.models import Integration
from channels.simulator import SimulatedPhoneSystem


class Command(BaseCommand):
    help = "Send the call events of one simulated call to a running site"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--merchant", required=True, help="15-digit merchant ID")
        parser.add_argument("--agent", default="A1001", help="agent number that answers")
        parser.add_argument("--seconds", type=int, default=15, help="talk time")
        parser.add_argument("--site", default=settings.SITE_URL)

    def handle(self, *args: Any, **options: Any) -> None:
        from merchants.models import Merchant

        merchant = Merchant.objects.filter(merchant_id=options["merchant"]).first()
        if merchant is None or merchant.acquirer_id is None or not merchant.contacts.exists():
            raise CommandError("unknown merchant, or it has no contact phone")
        system = Integration.objects.filter(
            kind=Integration.Kind.PHONE_SYSTEM, institution_id=merchant.acquirer_id
        ).first()
        if system is None:
            raise CommandError("no phone system integration for the merchant's acquirer")
        site = options["site"].rstrip("/")

        def post(path: str, body: bytes, headers: dict[str, str]) -> int:
            request = urllib.request.Request(site + path, data=body, method="POST")  # noqa: S310
            request.add_header("Content-Type", "application/json")
            for name, value in headers.items():
                request.add_header(name, value)
            with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310
                return int(response.status)

        pbx = SimulatedPhoneSystem(post, system.key, system.secret)
        call_id = f"sim-{int(time.time())}"
        caller = merchant.contacts.first().phone  # type: ignore[union-attr]
        pbx.call("ringing", call_id, caller=caller, agent=options["agent"], queue="hotline")
        self.stdout.write(f"ringing on {options['agent']}: {call_id}")
        time.sleep(3)
        pbx.call("answered", call_id, agent=options["agent"])
        time.sleep(options["seconds"])
        pbx.call("ended", call_id, recording_url=f"https://pbx.example.cn/rec/{call_id}.wav")
        self.stdout.write(self.style.SUCCESS("ended"))
