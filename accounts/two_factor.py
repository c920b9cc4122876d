"""Two-factor login: a time-based one-time code (TOTP, RFC 6238) from an authenticator app, on
top of the password (django-otp).

- Every staff user may enrol (`/accounts/two-factor/`); the roles in `TWO_FACTOR_ROLES`
  (supervisors and admins by default) must: until they have enrolled and entered a code in this
  session, every page sends them to enrolment or to the code step
  (`accounts.middleware.TwoFactorMiddleware`).
- A user who has enrolled enters a code after the password at each login, whatever the role.
- Enrolment needs a code from the new device before it counts, and is refused to a session
  that has not passed the code step of an existing device (a stolen password cannot replace it).
- Wrong codes slow down: django-otp doubles the wait after each failure (throttling).
"""

from __future__ import annotations

import base64
import binascii
from typing import Any

import qrcode
import qrcode.image.svg
from django.conf import settings
from django.http import HttpRequest
from django_otp import login as otp_login
from django_otp import user_has_device
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.models import User

DEVICE_NAME = "authenticator"


def required_for(user: Any) -> bool:
    """Must this user log in with a code (their role is in TWO_FACTOR_ROLES)?"""
    return isinstance(user, User) and user.is_agent and user.role in settings.TWO_FACTOR_ROLES


def may_enrol(user: Any) -> bool:
    """Staff of every tier may use two-factor login; merchant and machine accounts do not."""
    return isinstance(user, User) and user.is_agent


def enrolled(user: Any) -> bool:
    return bool(user_has_device(user, confirmed=True))


def is_verified(request: HttpRequest) -> bool:
    """Has this session passed the code step (django-otp's OTPMiddleware)?"""
    check = getattr(request.user, "is_verified", None)
    return bool(check and check())


def pending_device(user: User) -> TOTPDevice:
    """The new, not yet confirmed device of an enrolment (one at a time)."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("pk").first()
    return device or TOTPDevice.objects.create(user=user, name=DEVICE_NAME, confirmed=False)


def secret_of(device: TOTPDevice) -> str:
    """The key as people type it into an authenticator app: base32, in groups of four."""
    plain = base64.b32encode(device.bin_key).decode().rstrip("=")
    return " ".join(plain[i : i + 4] for i in range(0, len(plain), 4))


def qr_data_uri(device: TOTPDevice) -> str:
    """The otpauth:// URI as an SVG QR code in a data: URI (allowed by the CSP's img-src)."""
    image = qrcode.make(device.config_url, image_factory=qrcode.image.svg.SvgPathImage)
    return "data:image/svg+xml;base64," + base64.b64encode(image.to_string()).decode()


def _clean(token: str) -> str:
    return "".join(token.split())


def confirm(request: HttpRequest, device: TOTPDevice, token: str) -> bool:
    """The first code from a new device: it replaces any older device and this session is
    verified with it."""
    if not device.verify_token(_clean(token)):
        return False
    TOTPDevice.objects.filter(user=device.user).exclude(pk=device.pk).delete()
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    otp_login(request, device)
    return True


def verify(request: HttpRequest, token: str) -> bool:
    """The code step at login: any of the user's confirmed devices that accepts the code."""
    for device in TOTPDevice.objects.filter(user=request.user, confirmed=True):
        if device.verify_token(_clean(token)):
            otp_login(request, device)
            return True
    return False


def demo_device(user: User, key_hex: str) -> TOTPDevice:
    """A confirmed device with a published key, for the demo's supervisor and admin only."""
    binascii.unhexlify(key_hex)  # fails loudly on a bad key
    TOTPDevice.objects.filter(user=user).delete()
    return TOTPDevice.objects.create(user=user, name="demo", key=key_hex, confirmed=True)
