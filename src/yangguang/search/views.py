from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from html import escape
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import IntegrityError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe
from django.views.decorators.http import require_http_methods, require_safe

from yangguang.core.params import int_param
from yangguang.orgs.access import can
from yangguang.search import registry, services
from yangguang.search.indexing import rebuild_advice
from yangguang.search.models import SearchTerm, SynonymGroup
from yangguang.search.params import SearchParams, first_value, parse_params
from yangguang.search.service import (
    FACET_NAMES,
    VALIDITY_LABELS,
    ResultHit,
    SearchOutcome,
    run_search,
)

FACET_SHOWN = 10  # values per facet group on the page (the API returns them all)
EXPANSIONS_SHOWN = 5  # words named per expanded query word (社会救助 finds eight more)
_CURRENT = ' aria-current="true"'
FILTER_KEYS = (
    *("q", "body", "region", "category", "theme", "year", "validity", "source", "sort"),
    *("scope", "date_from", "date_to", "per_page"),
)


@require_safe  # a read: POST met the CSRF check's page, OPTIONS ran the search
def search(request: HttpRequest) -> HttpResponse:
    """全文检索 (public): region-wide, or within one body with ?body=<统一社会信用代码>."""
    sp = parse_params(request.GET)
    if sp.q_is_body_code:
        return redirect(_body_code_url(request, sp))
    outcome = run_search(sp.q, filters=sp.filters, sort=sp.sort, page=sp.page, per_page=sp.per_page)
    # What the page's links keep: the valid parameters (an ignored one is not shown as a
    # chosen filter either).
    given = {k: first_value(request.GET, k) for k in FILTER_KEYS if k not in sp.ignored}
    base = {k: v for k, v in given.items() if v}
    if "q" in base:
        base["q"] = outcome.q  # as searched (a too long query is cut)
    # As applied: per_page=1000 is 50 (its notice not on every click), year=２０２４ is 2024.
    if "per_page" in base:
        base["per_page"] = str(sp.per_page)
    if "year" in base and sp.filters.year:
        base["year"] = str(sp.filters.year)
    for key, day in (
        ("date_from", sp.filters.published_from),
        ("date_to", sp.filters.published_to),
    ):
        if day:  # 2026/1/5 is 2026-01-05; reversed dates swapped (the notice said so once)
            base[key] = day.isoformat()

    encoded = {k: urlencode({k: v}) for k, v in base.items()}  # each parameter once per page

    def url_with(**changes: str) -> str:
        parts = [e for k, e in encoded.items() if k not in changes]
        parts += [urlencode({k: v}) for k, v in changes.items() if v]
        return "?" + "&".join(parts)

    facet_groups = []
    for name, label in FACET_NAMES.items():
        if name == "body" and sp.body_code:
            continue
        approximate = "约" if outcome.facets_approximate else ""  # estimated (broad query)
        # Built here rather than in the template, escaped by html.escape (see highlight.py):
        # ~50 links per page, the hot path.
        items = "".join(
            f'<li><a href="{escape(url_with(**{name: "" if v.selected else v.param, "page": ""}))}"'
            f"{_CURRENT if v.selected else ''}>{escape(v.label)}</a> "
            f'<span class="muted">({approximate}{v.count})</span>{" ×" if v.selected else ""}</li>'
            for v in outcome.facets.get(name, [])[:FACET_SHOWN]
        )
        if items:
            facet_groups.append({"name": name, "label": label, "items": mark_safe(items)})  # noqa: S308 — escaped above
    active_filters = []
    for key, label in (
        ("category", "信息类别"),
        ("theme", "主题分类"),
        ("year", "年份"),
        ("validity", "有效性"),
        ("region", "区域"),
        ("scope", "检索范围"),
    ):
        if base.get(key):
            active_filters.append(
                {
                    "label": label,
                    "value": _chosen_label(key, base[key], sp, outcome),
                    "url": url_with(**{key: "", "page": ""}),
                }
            )
    periods = _periods(sp, url_with)
    if sp.filters.published_from or sp.filters.published_to:
        chosen = [str(p["label"]) for p in periods[1:] if p["current"]]
        active_filters.append(
            {
                "label": "发布时间",
                "value": chosen[0]
                if chosen
                else _period_label(sp.filters.published_from, sp.filters.published_to),
                "url": url_with(date_from="", date_to="", page=""),
            }
        )
    context = {
        "sp": sp,
        "outcome": outcome,
        "hits_html": _hits_html(outcome.hits),
        "total_text": str(outcome.total),
        "took_text": f"{outcome.took_ms:.0f}",
        "notices": sp.notices + outcome.notices,
        "facet_groups": facet_groups,
        "active_filters": active_filters,
        "querystring_base": urlencode({k: v for k, v in base.items()}) + ("&" if base else ""),
        "sort_relevance_url": url_with(sort="", page=""),
        "sort_date_url": url_with(sort="date", page=""),
        "scope_all_url": url_with(scope="", page=""),
        "scope_title_url": url_with(scope="title", page=""),
        "periods": periods,
        # The custom range's form: the other parameters as hidden fields.
        "period_hidden": [(k, v) for k, v in base.items() if k not in ("date_from", "date_to")],
        "whole_region_url": url_with(body="", region="", page=""),
        "unfiltered_url": "?" + urlencode({"q": outcome.q}),
        "suggestion_links": [{"q": s, "url": url_with(q=s, page="")} for s in outcome.suggestions],
        "expansions": [
            {
                "word": e.word,
                "also": "、".join(e.also[:EXPANSIONS_SHOWN])
                + (f" 等 {len(e.also)} 个词" if len(e.also) > EXPANSIONS_SHOWN else ""),
                "literal_url": url_with(q=e.literal_q, page="") if e.literal_q else "",
            }
            for e in outcome.expansions
        ],
    }
    return render(request, "search/results.html", context)


def _body_code_url(request: HttpRequest, sp: SearchParams) -> str:
    """Where a credit code typed as the query leads: ?body=<code>, which the search box then
    keeps, with the other parameters as given (an invalid one too, for the page to say so) —
    the search the API runs for the same parameters."""
    kept = [(k, first_value(request.GET, k)) for k in (*FILTER_KEYS, "page")]
    query = [("body", sp.body_code), *((k, v) for k, v in kept if v and k not in ("q", "body"))]
    return f"{request.path}?{urlencode(query)}"


# 发布时间's quick choices: published within the last N days, today included.
PERIODS = (("一周内", 7), ("一个月内", 30), ("一年内", 365))


def _periods(sp: SearchParams, url_with: Callable[..., str]) -> list[dict[str, object]]:
    """不限 and the quick choices as links, the one in force marked."""
    f = sp.filters
    today = timezone.localdate()
    out: list[dict[str, object]] = [
        {
            "label": "不限",
            "url": url_with(date_from="", date_to="", page=""),
            "current": not (f.published_from or f.published_to),
        }
    ]
    for label, days in PERIODS:
        since = today - dt.timedelta(days=days - 1)
        out.append(
            {
                "label": label,
                "url": url_with(date_from=since.isoformat(), date_to="", page=""),
                "current": f.published_from == since and f.published_to is None,
            }
        )
    return out


def _period_label(since: dt.date | None, until: dt.date | None) -> str:
    if since and until:
        return f"{since} 至 {until}"
    return f"{since} 起" if since else f"{until} 及以前"


def _chosen_label(key: str, value: str, sp: SearchParams, outcome: SearchOutcome) -> str:
    """A chosen filter as the facets name it (废止, the theme's name, 示范县), not its code."""
    if key == "region":
        return sp.region_name or value
    if key == "year":
        return f"{value}年"
    if key == "scope":
        return "仅标题"
    if key == "validity":
        return VALIDITY_LABELS.get(value, value)
    for v in outcome.facets.get(key, []):
        if v.param == value:
            return v.label
    labels: dict[str, str] = {}
    for source in registry.all_sources():
        labels.update(source.facet_labels(key, [value]))
    return labels.get(value, value)


def _hits_html(hits: list[ResultHit]) -> SafeString:
    """The hits as HTML, built here like the facet links: the template's loop resolved some
    twenty variables per hit, a sixth of a results page's CPU. Every value is escaped
    (html.escape) but the highlighted title and snippet, which highlight.py escaped."""
    parts = []
    for h in hits:
        pinned = f'<span class="tag tag-pinned">{h.pinned_label}</span> ' if h.pinned_label else ""
        repealed = (
            f' <span class="tag tag-repealed">{escape(h.validity_label)}</span>'
            if h.repealed
            else ""
        )
        meta = [escape(h.body_name), escape(h.doc_number)]
        if h.published_on:
            # A <time> the page keeps on one line: 2026-11-22 broke at its hyphen into
            # "2026-" / "11-22" on a phone in 大字号.
            day = h.published_on.isoformat()
            meta.append(f'<time datetime="{day}">{day}</time>')
        if not h.repealed:
            meta.append(escape(h.validity_label))
        parts.append(
            f'<article class="search-hit"><h2 class="search-title">{pinned}'
            f'<a href="{escape(h.url or "#")}">{h.title_html}</a>{repealed}</h2>'
            f"<p>{h.snippet_html}</p>"
            f'<p class="muted">{" · ".join(m for m in meta if m)}</p></article>'
        )
    return mark_safe("\n".join(parts))  # noqa: S308 — escaped above


def _require_dictionary(request: HttpRequest) -> None:
    if not can(request.user, "search.dictionary"):
        raise Http404("未找到")


@dataclass(frozen=True)
class _Deleting:
    """A row the administrator asked to delete, shown for confirmation first."""

    action: str  # delete_term / delete_synonym
    pk: int
    what: str  # 词语 / 同义词组
    label: str  # the word, or the group's words joined by ↔
    effect: str  # what deleting changes, in the administrator's words


def _deleting(action: str, row_id: int) -> _Deleting:
    if action == "delete_term":
        term = SearchTerm.objects.filter(pk=row_id).first()
        if term is None:
            raise services.DictionaryError("该词语不存在或已删除。")
        return _Deleting(
            action,
            term.pk,
            "词语",
            term.word,
            "删除后几秒内生效，无需重建索引：检索该词时按其拆分后的词查找，已入库的信息仍能找到。",
        )
    group = SynonymGroup.objects.filter(pk=row_id).first()
    if group is None:
        raise services.DictionaryError("该同义词组不存在或已删除。")
    return _Deleting(
        action,
        group.pk,
        "同义词组",
        " ↔ ".join(group.words()),
        "删除后几秒内生效，无需重建索引：检索其中一个词时不再同时查找其他词。",
    )


def _added_synonym_message(words: list[str]) -> str:
    """What adding a group did, naming a built-in group it was joined with (a word in two
    groups makes them one for searching: segment.merge_groups)."""
    message = f"已添加同义词组“{' ↔ '.join(words)}”。"
    joined = services.joined_builtin_groups(words)
    if joined:
        names = "、".join(f"“{' ↔ '.join(g)}”" for g in joined)
        together = "、".join(dict.fromkeys([*words, *(w for g in joined for w in g)]))
        message += f"它与内置同义词组{names}有相同的词语，检索时合并为一组：{together}。"
    return message


@login_required
@require_http_methods(["GET", "POST"])
def dictionary(request: HttpRequest) -> HttpResponse:
    """检索词典: user dictionary terms and synonym groups (administrators). Deleting asks
    first: the delete buttons post without `confirm`, which shows what would be deleted and
    a form that posts again with confirm=yes (no JavaScript needed)."""
    _require_dictionary(request)
    term_error = synonym_error = ""
    term_value = synonym_value = ""
    term_note = synonym_note = ""  # kept with the word after an error, like the word itself
    confirming: _Deleting | None = None
    if request.method == "POST":
        action = request.POST.get("action", "")
        try:
            if action == "add_term":
                term_value = request.POST.get("word", "")
                term_note = request.POST.get("note", "")
                term = services.term_add(actor=request.user, word=term_value, note=term_note)
                messages.success(request, f"已添加词语“{term.word}”。")
                return redirect("console:search_dictionary")
            if action == "add_synonym":
                synonym_value = request.POST.get("terms", "")
                synonym_note = request.POST.get("note", "")
                group = services.synonym_add(
                    actor=request.user, terms=synonym_value, note=synonym_note
                )
                messages.success(request, _added_synonym_message(group.words()))
                return redirect("console:search_dictionary")
            if action in ("delete_term", "delete_synonym"):
                row_id = int_param(request.POST.get("id", ""), maximum=2**63 - 1)
                if row_id is None:
                    raise services.DictionaryError("参数无效。")
                if request.POST.get("confirm") != "yes":
                    confirming = _deleting(action, row_id)
                elif action == "delete_term":
                    word = services.term_delete(actor=request.user, term_id=row_id)
                    messages.success(request, f"已删除词语“{word}”。")
                    return redirect("console:search_dictionary")
                else:
                    words = services.synonym_delete(actor=request.user, group_id=row_id)
                    messages.success(request, f"已删除同义词组“{' ↔ '.join(words)}”。")
                    return redirect("console:search_dictionary")
            else:
                raise services.DictionaryError("未知操作。")
        except services.DictionaryError as exc:
            if action in ("add_synonym", "delete_synonym"):
                synonym_error = str(exc)
            else:
                term_error = str(exc)
        except IntegrityError:
            term_error = "该词语已存在。"
    groups = SynonymGroup.objects.order_by("terms")[:1000]
    return render(
        request,
        "search/dictionary.html",
        {
            "terms": SearchTerm.objects.order_by("word")[:1000],
            "groups": [
                {
                    "group": g,
                    "joined": [" ↔ ".join(b) for b in services.joined_builtin_groups(g.words())],
                }
                for g in groups
            ],
            "builtin_terms": services.builtin_terms(),
            "builtin_synonyms": services.builtin_synonyms(),
            "term_error": term_error,
            "synonym_error": synonym_error,
            "term_value": term_value,
            "synonym_value": synonym_value,
            "term_note": term_note,
            "synonym_note": synonym_note,
            "confirming": confirming,
            "rebuild_advice": rebuild_advice(),
        },
    )
