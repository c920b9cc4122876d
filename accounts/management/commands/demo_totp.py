"""Print the current two-factor code of the demo's supervisor and admin (demo data only: it
reads only devices made by `load_demo` with the published demo key)."""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from merchants.demo import DEMO_TOTP_KEY


class Command(BaseCommand):
    help = "Print the current two-factor code of the demo supervisor and admin."

    def handle(self, *args: Any, **options: Any) -> None:
        devices = TOTPDevice.objects.filter(name="demo", key=DEMO_TOTP_KEY, confirmed=True)
        for device in devices.select_related("user").order_by("user__username"):
            totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
            totp.time = time.time()
            left = device.step - int(totp.time - device.t0) % device.step
            code = f"{totp.token():0{device.digits}d}"
            self.stdout.write(f"{device.user.username}: {code}  ({left} s left)")
