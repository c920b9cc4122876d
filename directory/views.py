from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from directory.models import Hotline


def hotlines(request: HttpRequest) -> HttpResponse:
    """Public: the official numbers to call, or to call back when someone claims to be us."""
    return render(request, "directory/hotlines.html", {"hotlines": Hotline.objects.public()})
