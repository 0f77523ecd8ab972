"""Form base for pages that render Django's own labels (form.as_div, field.label_tag)."""

from __future__ import annotations

from typing import Any

from django import forms


class ChineseLabelsForm(forms.Form):
    """Labels end with a full-width colon: Django's default suffix is ":", which its zh_Hans
    catalogue leaves untranslated ("有效性:")."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("label_suffix", "：")
        super().__init__(*args, **kwargs)
