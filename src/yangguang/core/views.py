from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render


def deadline_calculator(request: HttpRequest) -> HttpResponse:
    """办理期限计算器 (public)."""
    return render(request, "portal/deadline_calculator.html", {})


def calendar_admin(request: HttpRequest) -> HttpResponse:
    """节假日日历 (administrators)."""
    return render(request, "console/calendar.html", {})
