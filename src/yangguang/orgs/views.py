from __future__ import annotations

from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from yangguang.orgs.models import Region, RegionLevel


def home(request: HttpRequest) -> HttpResponse:
    """The region's public home: 四级 navigation city → counties → townships → villages."""
    cities = Region.objects.filter(level=RegionLevel.CITY).prefetch_related("children")
    return render(request, "portal/home.html", {"cities": cities})


class LoginView(auth_views.LoginView):
    template_name = "registration/login.html"
    redirect_authenticated_user = True


@login_required
def console_home(request: HttpRequest) -> HttpResponse:
    return render(request, "console/home.html", {})
