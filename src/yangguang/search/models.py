"""Administrator-editable search vocabulary: the user dictionary and synonym groups.

The search index itself lives outside these tables: a tantivy directory under VAR_DIR/search/
or, with SEARCH_BACKEND=postgres, the table `search_pg_entry` that migration 0002 creates on
PostgreSQL only (raw SQL: a tsvector column with a RUM index)."""

from __future__ import annotations

import re

from django.conf import settings
from django.db import models

_SPLIT = re.compile(r"[\s,，、;；|/]+")


class SearchTerm(models.Model):
    """A word the segmenter must keep whole (三公经费, 放管服, 一网通办 …)."""

    word = models.CharField("词语", max_length=40, unique=True)
    note = models.CharField("说明", max_length=200, blank=True)
    active = models.BooleanField("启用", default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["word"]
        verbose_name = verbose_name_plural = "检索用户词典"

    def __str__(self) -> str:
        return self.word


class SynonymGroup(models.Model):
    """Words that mean the same for search (低保 ↔ 最低生活保障); expanded at query time."""

    terms = models.CharField("同义词（以逗号分隔）", max_length=300, unique=True)
    note = models.CharField("说明", max_length=200, blank=True)
    active = models.BooleanField("启用", default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["terms"]
        verbose_name = verbose_name_plural = "检索同义词"

    def __str__(self) -> str:
        return self.terms

    def words(self) -> list[str]:
        return split_terms(self.terms)


def split_terms(raw: str) -> list[str]:
    seen: list[str] = []
    for part in _SPLIT.split(raw.strip()):
        if part and part not in seen:
            seen.append(part)
    return seen
