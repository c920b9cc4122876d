"""A flood of verification look-ups from one address is refused: per client address, the
"verify" rate of REST_FRAMEWORK's DEFAULT_THROTTLE_RATES (10/min), counted in the cache and
shared by the public page and the API. The address is `core.client_ip.client_ip`'s, so a new
X-Forwarded-For with each request does not lift the limit."""

from __future__ import annotations

from typing import Any

from rest_framework.throttling import SimpleRateThrottle

from core.client_ip import client_ip


class VerifyThrottle(SimpleRateThrottle):
    scope = "verify"

    def get_ident(self, request: Any) -> str:
        return client_ip(request)

    def get_cache_key(self, request: Any, view: Any) -> str:
        # Per address even for logged-in users: an account must not lift the limit.
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}


class ScamReportThrottle(VerifyThrottle):
    """Anonymous scam reports from the verify page: the "scam_report" rate per address."""

    scope = "scam_report"
