"""Forms of the console: they parse and show errors; the rules live in services."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.files.uploadedfile import UploadedFile
from django.db.models import F
from django.db.models.functions import Coalesce

from yangguang.core.forms import ChineseLabelsForm
from yangguang.core.params import int_param
from yangguang.core.rules import get_rule
from yangguang.disclosure.files import AttachmentError, CheckedFile, check_upload
from yangguang.disclosure.models import CatalogueNode, Mode, Publication, Theme, Validity
from yangguang.disclosure.services import FIELDS
from yangguang.orgs.models import Body

DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class BodyMultipleChoiceField(forms.ModelMultipleChoiceField):
    """Body choices that refuse anything but plain ids with a form error: Django's own check
    passes a 25-digit value to the database, which overflows (a 500 that lost the draft)."""

    def _check_values(self, value: Any) -> Any:
        for pk in value:
            if int_param(str(pk), maximum=2**63 - 1) is None:
                raise forms.ValidationError(
                    self.error_messages["invalid_pk_value"],
                    code="invalid_pk_value",
                    params={"pk": pk},
                )
        return super()._check_values(value)  # type: ignore[misc]


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    widget = MultipleFileInput

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("required", False)
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> list[UploadedFile]:
        if not data:
            return []
        items = data if isinstance(data, list | tuple) else [data]
        return [super(MultipleFileField, self).clean(d, initial) for d in items]


class PublicationForm(forms.Form):
    title = forms.CharField(label="标题", max_length=300)
    doc_number = forms.CharField(
        label="发文字号", max_length=80, required=False, help_text="例如：泰政办发〔2014〕36号"
    )
    written_on = forms.DateField(label="成文日期", widget=DATE_INPUT)
    changed_on = forms.DateField(
        label="变更日期",
        widget=DATE_INPUT,
        required=False,
        help_text="信息发生变更的，自变更之日起 20 个工作日内公开（条例第二十六条）。",
    )
    theme = forms.ModelChoiceField(
        label="主题分类",
        # Codes are hierarchical (02, 0201, 0202…): in code order each class is followed by
        # its own sub-classes (the model's sort order interleaved them).
        queryset=Theme.objects.filter(is_active=True).select_related("parent").order_by("code"),
        required=False,
        error_messages={"invalid_choice": "未知的主题分类。"},
    )
    category = forms.ModelChoiceField(
        label="公开目录",
        queryset=CatalogueNode.objects.none(),
        required=False,
        error_messages={"invalid_choice": "未知的公开目录：请从本机构的公开目录中选择。"},
    )
    keywords = forms.CharField(label="主题词", max_length=200, required=False)
    summary = forms.CharField(
        label="内容概述", widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    mode = forms.ChoiceField(label="公开方式", choices=Mode.choices, initial=Mode.PROACTIVE)
    body_html = forms.CharField(
        label="正文", widget=forms.Textarea(attrs={"rows": 14}), required=False
    )
    issuers = BodyMultipleChoiceField(
        label="联合发文机关",
        queryset=Body.objects.filter(is_active=True),
        required=False,
        help_text="联合发文时选择其他发文机关（本机构自动包含）。",
    )
    interprets = forms.CharField(
        label="解读的政策文件（索引号）",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="本信息为政策解读时，填写所解读文件的索引号，每行一个。",
    )
    attachments = MultipleFileField(
        label="附件", help_text="PDF、OFD、Word、Excel、JPG、PNG；出错时请重新选择附件。"
    )

    def __init__(self, *args: Any, body: Body, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.body = body
        category = self.fields["category"]
        assert isinstance(category, forms.ModelChoiceField)  # noqa: S101
        # Each top-level node followed by its children (two levels), each level in its order.
        category.queryset = (
            CatalogueNode.objects.filter(body=body)
            .select_related("parent")
            .order_by(
                Coalesce("parent__sort", "sort"),
                Coalesce("parent_id", "id"),
                F("parent_id").asc(nulls_first=True),
                "sort",
                "id",
            )
        )
        self.fields["category"].label_from_instance = lambda n: (  # type: ignore[attr-defined]
            f"{n.parent.name} / {n.name}" if n.parent_id else n.name
        )
        self.fields["theme"].label_from_instance = lambda t: t.full_name  # type: ignore[attr-defined]
        issuers = self.fields["issuers"]
        assert isinstance(issuers, forms.ModelMultipleChoiceField)  # noqa: S101
        issuers.queryset = Body.objects.filter(is_active=True).exclude(pk=body.pk)
        self.checked_files: list[CheckedFile] = []
        self.interprets_list: list[Publication] = []

    def clean_attachments(self) -> list[UploadedFile]:
        files: list[UploadedFile] = self.cleaned_data.get("attachments") or []
        max_bytes = (
            int(get_rule("disclosure.attachment_max_mb", self.body.region.path)) * 1024 * 1024
        )
        errors: list[str] = []
        for f in files:
            if f.size is not None and f.size > max_bytes:
                errors.append(
                    f"附件“{f.name}”过大（{f.size / 1024 / 1024:.1f} MB），单个附件不能超过 "
                    f"{max_bytes // 1024 // 1024} MB。"
                )
                continue
            try:
                self.checked_files.append(check_upload(f.name or "", f.read(), max_bytes=max_bytes))
            except AttachmentError as exc:
                errors.append(str(exc))
        if errors:
            raise forms.ValidationError(errors)
        return files

    def clean_interprets(self) -> str:
        from yangguang.disclosure.selectors import interpretable_by_number, interprets_not_found

        raw: str = self.cleaned_data.get("interprets") or ""
        numbers = [n.strip() for n in raw.replace("，", "\n").splitlines() if n.strip()]
        if numbers:
            found, missing = interpretable_by_number(self.body, numbers)
            if missing:
                raise forms.ValidationError(interprets_not_found(missing))
            self.interprets_list = found
        return raw

    def service_data(self) -> dict[str, Any]:
        """The editable fields in the shape services.publication_create/update take."""
        data = {k: self.cleaned_data.get(k) for k in FIELDS}
        data["body_html"] = data["body_html"] or ""
        return data


class ReasonForm(forms.Form):
    reason = forms.CharField(label="理由", widget=forms.Textarea(attrs={"rows": 2}))


class PublishForm(ChineseLabelsForm):
    at = forms.DateTimeField(
        label="定时发布时间",
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
        help_text="留空则立即发布。",
    )


class ValidityForm(ChineseLabelsForm):
    validity = forms.ChoiceField(label="有效性", choices=Validity.choices)
    on = forms.DateField(label="变更日期", required=False, widget=DATE_INPUT)
    replaced_by = forms.CharField(label="替代文件索引号", required=False)


class ImportForm(ChineseLabelsForm):
    file = forms.FileField(label="Excel 文件（.xlsx）")


class FiscalUploadForm(ChineseLabelsForm):
    kind = forms.ChoiceField(label="表格类型")
    year = forms.IntegerField(label="年度", min_value=2000, max_value=2100)
    month = forms.IntegerField(label="月份（村级财务）", min_value=1, max_value=12, required=False)
    file = forms.FileField(label="Excel 文件（.xlsx）")
