from typing import Any

from django.http import HttpRequest

from core.panels import nav_links


def navigation(request: HttpRequest) -> dict[str, Any]:
    user = request.user
    if not user.is_authenticated:
        return {"nav_links": []}
    area = "console" if getattr(user, "is_agent", False) else "portal"
    return {"nav_links": nav_links(area, user), "nav_area": area}
