from typing import Any

from django.http import HttpRequest

from core.panels import nav_entries


def navigation(request: HttpRequest) -> dict[str, Any]:
    user = request.user
    if not user.is_authenticated:
        return {"nav_entries": []}
    area = "console" if getattr(user, "is_agent", False) else "portal"
    match = request.resolver_match
    current = (match.url_name or "") if match else ""
    return {"nav_entries": nav_entries(area, user, current), "nav_area": area}
