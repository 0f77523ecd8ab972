"""Public directory (四级: 市 → 县/区 → 乡镇/街道 → 村/社区, each body's own page) and the console
pages where administrators manage regions, bodies and windows (issue 2, points 3 and 8).

Views are thin: access check (the same 404 for "missing" and "not yours") → form → one service
→ render or redirect."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote, urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Page, Paginator
from django.db.models import Count, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from yangguang.orgs import importexport, selectors, services
from yangguang.orgs.access import can, get_visible_or_404, require
from yangguang.orgs.forms import (
    BodyFilterForm,
    BodyForm,
    ImportForm,
    RegionCreateForm,
    RegionEditForm,
    WindowForm,
)
from yangguang.orgs.models import Body, BodyKind, Region, RegionLevel, User, Window

BODIES_PER_PAGE = 20
REGIONS_PER_PAGE = 100
PUBLIC_BODIES_PER_PAGE = 50


def _page(request: HttpRequest, items: Any, per_page: int) -> Page[Any]:
    return Paginator(items, per_page).get_page(request.GET.get("page"))


def _attach(form: Any, exc: ValidationError) -> None:
    """Put a service's ValidationError on the form: field errors next to their fields (or at
    the top when the form has no such field)."""
    if hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            target = field if field in form.fields else None
            if field == "parent" and "parent_code" in form.fields:
                target = "parent_code"
            for message in errors:
                form.add_error(target, message)
    else:
        for message in exc.messages:
            form.add_error(None, message)


def _data(request: HttpRequest) -> Any:
    """Bind forms on POST even when the body is empty (so "required" errors show)."""
    return request.POST if request.method == "POST" else None


def _bound(request: HttpRequest) -> tuple[Any, Any]:
    return (request.POST, request.FILES) if request.method == "POST" else (None, None)


def _staff(request: HttpRequest) -> User:
    """The logged-in staff member; console pages are reached only through login_required."""
    user = request.user
    if not isinstance(user, User):
        raise Http404("未找到")
    return user


# --- public portal ---------------------------------------------------------------------------

# Links shown on each body's public page to that body's pages in other apps (its disclosure
# catalogue, guide, …): (label, portal url name taking the credit code, order). Apps add theirs
# with `body_link()` from AppConfig.ready(); names that do not resolve are skipped.
BODY_LINKS: list[tuple[str, str, int]] = [
    ("政府信息公开", "portal:disclosure_body", 10),
    ("政府信息公开指南", "portal:disclosure_guide", 20),
]


def body_link(label: str, url_name: str, order: int = 100) -> None:
    if all(existing != url_name for _l, existing, _o in BODY_LINKS):
        BODY_LINKS.append((label, url_name, order))
        BODY_LINKS.sort(key=lambda link: link[2])


def _body_links(body: Body) -> list[dict[str, str]]:
    links = []
    for label, url_name, _order in BODY_LINKS:
        try:
            links.append({"label": label, "url": reverse(url_name, args=[body.credit_code])})
        except NoReverseMatch:
            continue
    return links


def home(request: HttpRequest) -> HttpResponse:
    """The region's public home: 四级 navigation — the city, its counties and their townships;
    each region's page goes one level further down, to the villages."""
    tops = list(selectors.top_regions())
    sections = [{"region": top, "children": list(selectors.child_regions(top))} for top in tops]
    bodies = list(selectors.region_bodies(tops[0])[:12]) if len(tops) == 1 else []
    return render(request, "portal/home.html", {"sections": sections, "top_bodies": bodies})


def body_directory(request: HttpRequest) -> HttpResponse:
    """机构名录: every active body, searchable by name or credit code, by kind and region."""
    search = request.GET.get("q", "").strip()[:60]
    kind = request.GET.get("kind", "")
    kind = kind if kind in BodyKind.values else ""
    region = Region.objects.filter(code=request.GET.get("region", "")[:12]).first()
    qs = selectors.filter_bodies(
        selectors.public_bodies().order_by("region__path", "sort", "name"),
        region=region,
        kind=kind,
        search=search,
    )
    params = {
        k: v
        for k, v in {"q": search, "kind": kind, "region": region.code if region else ""}.items()
        if v
    }
    return render(
        request,
        "orgs/body_directory.html",
        {
            "page_obj": _page(request, qs, PUBLIC_BODIES_PER_PAGE),
            "search": search,
            "kind": kind,
            "region": region,
            "kinds": BodyKind.choices,
            "querystring_base": urlencode(params) + "&" if params else "",
        },
    )


def region_detail(request: HttpRequest, code: str) -> HttpResponse:
    region = get_object_or_404(Region, code=code)
    children = list(selectors.child_regions(region))
    bodies_page = _page(request, selectors.region_bodies(region), PUBLIC_BODIES_PER_PAGE)
    return render(
        request,
        "orgs/region_detail.html",
        {
            "region": region,
            "breadcrumb": selectors.region_breadcrumb(region)[:-1],
            "children": children,
            "child_level": selectors.next_level(region.level),
            "page_obj": bodies_page,
        },
    )


def body_detail(request: HttpRequest, credit_code: str) -> HttpResponse:
    body = selectors.public_body_or_none(credit_code)
    if body is None:
        raise Http404("未找到该机构")
    return render(
        request,
        "orgs/body_detail.html",
        {
            "body": body,
            "breadcrumb": selectors.region_breadcrumb(body.region),
            "windows": list(selectors.public_windows(body)),
            "links": _body_links(body),
            "subordinates": list(
                selectors.public_bodies().filter(parent=body).order_by("sort", "name")[:50]
            ),
        },
    )


# --- console: home ------------------------------------------------------


@login_required
def console_home(request: HttpRequest) -> HttpResponse:
    """What waits for this user (core.dashboard): applications due, publications to review…"""
    from django.utils import timezone

    from yangguang.core.dashboard import tiles_for

    return render(
        request, "console/home.html", {"tiles": tiles_for(request.user, timezone.localdate())}
    )


# --- console: regions ------------------------------------------------------------------------


@login_required
def region_list(request: HttpRequest) -> HttpResponse:
    user = _staff(request)
    if not can(user, "region.view"):
        raise Http404("未找到")
    regions = selectors.regions_visible_to(user).annotate(
        body_count=Count("bodies", filter=Q(bodies__is_active=True))
    )
    search = request.GET.get("q", "").strip()[:60]
    if search:
        regions = regions.filter(Q(name__icontains=search) | Q(code__startswith=search))
    page = _page(request, regions, REGIONS_PER_PAGE)
    rows = [
        {
            "region": r,
            "indent": max(r.depth - 1, 0),
            "can_change": can(user, "region.change", r),
            "can_add_child": r.level != RegionLevel.VILLAGE and can(user, "region.create", r),
        }
        for r in page.object_list
    ]
    return render(
        request,
        "orgs/console/region_list.html",
        {
            "page_obj": page,
            "rows": rows,
            "can_create_top": can(user, "region.create", Region(path="/")),
            "search": search,
            "querystring_base": urlencode({"q": search}) + "&" if search else "",
        },
    )


@login_required
def region_create(request: HttpRequest) -> HttpResponse:
    user = _staff(request)
    if not can(user, "region.create"):
        raise Http404("未找到")
    regions = selectors.regions_visible_to(user)
    initial: dict[str, Any] = {}
    parent_code = request.GET.get("parent", "")
    if parent_code:
        parent = regions.filter(code=parent_code).first()
        if parent is not None:
            next_level = selectors.next_level(parent.level)
            initial = {"parent": parent.pk, "level": next_level, "code": parent.code[:6]}
    form = RegionCreateForm(_data(request), regions=regions, initial=initial)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            region = services.region_create(
                actor=user,
                code=d["code"],
                name=d["name"],
                level=d["level"],
                parent=d["parent"],
                sort=d.get("sort") or 0,
            )
        except ValidationError as exc:
            _attach(form, exc)
        else:
            messages.success(request, f"已新建区划“{region.name}”。")
            return redirect("console:orgs_region_list")
    return render(request, "orgs/console/region_form.html", {"form": form, "region": None})


@login_required
def region_edit(request: HttpRequest, code: str) -> HttpResponse:
    user = _staff(request)
    region = get_visible_or_404(Region.objects.all(), user, "region.change", code=code)
    assert isinstance(region, Region)  # noqa: S101
    form = RegionEditForm(_data(request), initial={"name": region.name, "sort": region.sort})
    if request.method == "POST" and form.is_valid():
        try:
            services.region_update(
                actor=user,
                region=region,
                name=form.cleaned_data["name"],
                sort=form.cleaned_data.get("sort"),
            )
        except ValidationError as exc:
            _attach(form, exc)
        else:
            messages.success(request, "区划已保存。")
            return redirect("console:orgs_region_list")
    return render(request, "orgs/console/region_form.html", {"form": form, "region": region})


# --- console: bodies -------------------------------------------------------------------------


@login_required
def body_list(request: HttpRequest) -> HttpResponse:
    user = _staff(request)
    if not can(user, "body.view"):
        raise Http404("未找到")
    visible_regions = selectors.regions_visible_to(user)
    form = BodyFilterForm(request.GET or None, regions=visible_regions)
    qs = selectors.bodies_visible_to(user).order_by("region__path", "sort", "id")
    params: dict[str, str] = {}
    if form.is_valid():
        d = form.cleaned_data
        region = Region.objects.filter(code=d["region"]).first() if d.get("region") else None
        qs = selectors.filter_bodies(
            qs, region=region, kind=d.get("kind") or "", search=d.get("q") or ""
        )
        params = {k: str(v) for k, v in d.items() if v}
    page = _page(request, qs, BODIES_PER_PAGE)
    return render(
        request,
        "orgs/console/body_list.html",
        {
            "form": form,
            "page_obj": page,
            "querystring_base": urlencode(params) + "&" if params else "",
            "can_create": can(user, "body.create"),
            "can_import": can(user, "orgs.import"),
            "can_export": can(user, "orgs.export"),
        },
    )


@login_required
def body_view(request: HttpRequest, pk: int) -> HttpResponse:
    user = _staff(request)
    body = get_visible_or_404(
        Body.objects.select_related("region", "parent"), user, "body.view", pk=pk
    )
    assert isinstance(body, Body)  # noqa: S101
    return render(
        request,
        "orgs/console/body_view.html",
        {
            "body": body,
            "breadcrumb": selectors.region_breadcrumb(body.region),
            "windows": list(Window.objects.filter(body=body).order_by("code")),
            "can_change": can(user, "body.change", body),
            "can_windows": can(user, "window.change", body),
        },
    )


@login_required
def body_create(request: HttpRequest) -> HttpResponse:
    user = _staff(request)
    if not can(user, "body.create"):
        raise Http404("未找到")
    regions = selectors.regions_visible_to(user)
    form = BodyForm(_data(request), regions=regions)
    if request.method == "POST" and form.is_valid():
        try:
            body = services.body_create(actor=user, **form.service_kwargs())
        except ValidationError as exc:
            _attach(form, exc)
        else:
            messages.success(request, f"已新建机构“{body.name}”。")
            return redirect("console:orgs_body_view", pk=body.pk)
    return render(request, "orgs/console/body_form.html", {"form": form, "body": None})


@login_required
def body_edit(request: HttpRequest, pk: int) -> HttpResponse:
    user = _staff(request)
    body = get_visible_or_404(
        Body.objects.select_related("region", "parent"), user, "body.change", pk=pk
    )
    assert isinstance(body, Body)  # noqa: S101
    regions = selectors.regions_visible_to(user)
    form = BodyForm(_data(request), regions=regions, initial=BodyForm.initial_for(body))
    if request.method == "POST" and form.is_valid():
        try:
            services.body_update(actor=user, body=body, **form.service_kwargs())
        except ValidationError as exc:
            _attach(form, exc)
        else:
            messages.success(request, "机构信息已保存。")
            return redirect("console:orgs_body_view", pk=body.pk)
    return render(request, "orgs/console/body_form.html", {"form": form, "body": body})


@login_required
@require_POST
def body_deactivate(request: HttpRequest, pk: int) -> HttpResponse:
    user = _staff(request)
    body = get_visible_or_404(Body.objects.select_related("region"), user, "body.change", pk=pk)
    assert isinstance(body, Body)  # noqa: S101
    try:
        services.body_deactivate(actor=user, body=body, reason=request.POST.get("reason", ""))
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
    else:
        messages.success(request, f"已停用“{body.name}”，公众页面不再显示该机构。")
    return redirect("console:orgs_body_view", pk=body.pk)


@login_required
@require_POST
def body_activate(request: HttpRequest, pk: int) -> HttpResponse:
    user = _staff(request)
    body = get_visible_or_404(Body.objects.select_related("region"), user, "body.change", pk=pk)
    assert isinstance(body, Body)  # noqa: S101
    try:
        services.body_update(actor=user, body=body, is_active=True)
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
    else:
        messages.success(request, f"已重新启用“{body.name}”。")
    return redirect("console:orgs_body_view", pk=body.pk)


# --- console: windows ------------------------------------------------------------------------


@login_required
def window_create(request: HttpRequest, pk: int) -> HttpResponse:
    user = _staff(request)
    body = get_visible_or_404(Body.objects.select_related("region"), user, "window.change", pk=pk)
    assert isinstance(body, Body)  # noqa: S101
    form = WindowForm(_data(request), initial={"hall": _default_hall(body)})
    if request.method == "POST" and form.is_valid():
        try:
            window = services.window_create(actor=user, body=body, **form.service_kwargs())
        except ValidationError as exc:
            _attach(form, exc)
        else:
            messages.success(request, f"已新建窗口“{window}”。")
            return redirect("console:orgs_body_view", pk=body.pk)
    return render(
        request, "orgs/console/window_form.html", {"form": form, "body": body, "window": None}
    )


def _default_hall(body: Body) -> str:
    hall = Window.objects.filter(body=body).exclude(hall="").values_list("hall", flat=True).first()
    return hall or ""


@login_required
def window_edit(request: HttpRequest, pk: int) -> HttpResponse:
    user = _staff(request)
    window = get_visible_or_404(
        Window.objects.select_related("body__region"), user, "window.change", pk=pk
    )
    assert isinstance(window, Window)  # noqa: S101
    initial = {
        "code": window.code,
        "name": window.name,
        "hall": window.hall,
        "location": window.location,
        "phone": window.phone,
        "is_active": window.is_active,
    }
    form = WindowForm(_data(request), initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.window_update(
                actor=user,
                window=window,
                is_active=bool(form.cleaned_data.get("is_active")),
                **form.service_kwargs(),
            )
        except ValidationError as exc:
            _attach(form, exc)
        else:
            messages.success(request, "窗口已保存。")
            return redirect("console:orgs_body_view", pk=window.body_id)
    return render(
        request,
        "orgs/console/window_form.html",
        {"form": form, "body": window.body, "window": window},
    )


# --- console: import / export ----------------------------------------------------------------


@login_required
def tree_import(request: HttpRequest) -> HttpResponse:
    user = _staff(request)
    if not can(user, "orgs.import"):
        raise Http404("未找到")
    form = ImportForm(*_bound(request))
    report = None
    format_error = ""
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        if upload.size > importexport.MAX_FILE_BYTES:
            format_error = "文件过大：不能超过 10 MB。"
        else:
            try:
                report = importexport.import_tree(
                    actor=user, source=upload.read(), filename=upload.name or ""
                )
            except importexport.ImportFormatError as exc:
                format_error = exc.message
    shown = report.errors[:500] if report else []
    return render(
        request,
        "orgs/console/import.html",
        {
            "form": form,
            "report": report,
            "shown_errors": shown,
            "hidden_errors": (len(report.errors) - len(shown)) if report else 0,
            "summary": list(importexport.summarize(report.counts)) if report and report.ok else [],
            "format_error": format_error,
            "sheets": importexport.SHEETS,
            "optional": importexport.OPTIONAL,
            "can_export": can(user, "orgs.export"),
        },
    )


@login_required
def tree_export(request: HttpRequest) -> HttpResponse:
    user = _staff(request)
    require(user, "orgs.export", None)
    data = importexport.export_tree(actor=user)
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    response = HttpResponse(
        data, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    response["Content-Disposition"] = (
        f'attachment; filename="orgs-{stamp}.xlsx"; '
        f"filename*=UTF-8''{quote(f'区划与机构-{stamp}.xlsx')}"
    )
    return response
