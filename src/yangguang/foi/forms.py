"""Forms: they only collect input; the rules live in services.applicant_errors()."""

from __future__ import annotations

from typing import Any

from django import forms
from django.http import QueryDict

from yangguang.foi import fees
from yangguang.foi.models import (
    ApplicantKind,
    Channel,
    Delivery,
    FeeMethod,
    Form,
    IdType,
    OrgKind,
    ReviewKind,
    ReviewResult,
)
from yangguang.foi.online import form_token_issued, new_form_token
from yangguang.foi.outcomes import Outcome
from yangguang.foi.services import (
    CONSULTATION_ANSWERS,
    ApplicantInput,
    FoiError,
    applicant_errors,
)
from yangguang.orgs.models import FOI_ACCEPTING_KINDS, Body

DATE = forms.DateInput(attrs={"type": "date"})
# Applicant fields whose rules are the same for a person and an organisation.
_SAME_FOR_ALL = {"phone", "email", "address", "postcode", "description", "delivery", "form"}
STALE_FORM = "页面已过期，请核对填写的内容后再次点击“提交申请”。"


class ApplicantForm(forms.Form):
    applicant_kind = forms.ChoiceField(
        label="申请人类型", choices=ApplicantKind.choices, widget=forms.RadioSelect
    )
    org_kind = forms.ChoiceField(
        label="组织类型（法人或其他组织填写）",
        choices=[("", "—")] + list(OrgKind.choices),
        required=False,
    )
    applicant_name = forms.CharField(label="姓名/名称", max_length=100, required=False)
    id_type = forms.ChoiceField(label="证件类型（自然人）", choices=IdType.choices, required=False)
    id_number = forms.CharField(label="证件号码（自然人）", max_length=40, required=False)
    credit_code = forms.CharField(label="统一社会信用代码（组织）", max_length=18, required=False)
    contact_person = forms.CharField(label="联系人（组织）", max_length=60, required=False)
    phone = forms.CharField(label="联系电话", max_length=40, required=False)
    email = forms.CharField(label="电子邮箱", max_length=254, required=False)
    address = forms.CharField(label="通信地址", max_length=200, required=False)
    postcode = forms.CharField(label="邮政编码", max_length=10, required=False)
    description = forms.CharField(
        label="所需信息的内容描述", widget=forms.Textarea(attrs={"rows": 4}), required=False
    )
    doc_number = forms.CharField(label="文件名称/文号（如知道）", max_length=200, required=False)
    purpose = forms.CharField(label="用途（选填）", max_length=300, required=False)
    delivery = forms.ChoiceField(label="获取信息的方式", choices=Delivery.choices)
    form = forms.ChoiceField(label="信息的载体形式", choices=Form.choices)

    # Optional to the form (the rules depend on the applicant type) but required by the rules
    # (applicant_errors, 条例 Art. 29): marked * like the form's required fields. The ID
    # number and the credit code say whose they are (自然人 / 组织) in their labels.
    RULE_REQUIRED = ("applicant_name", "id_number", "credit_code", "description")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in self.RULE_REQUIRED:
            self.fields[name].rule_required = True  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        """The form's own errors (a choice left empty) and the rules' (applicant_errors) at
        once, so the applicant corrects everything in one go. Without a valid applicant type
        only the rules that do not depend on it are applied."""
        data = super().clean() or {}
        kind_known = "applicant_kind" not in self.errors
        for field, message in applicant_errors(self.applicant_input(data).cleaned()).items():
            if field in self.errors or (not kind_known and field not in _SAME_FOR_ALL):
                continue
            self.add_error(field or None, message)
        return data

    @staticmethod
    def applicant_input(data: dict[str, Any]) -> ApplicantInput:
        names = ApplicantInput.__dataclass_fields__.keys()
        return ApplicantInput(**{k: data.get(k) or "" for k in names})

    def add_service_errors(self, exc: FoiError) -> None:
        for field, message in exc.errors.items():
            self.add_error(field if field in self.fields else None, message)


class PublicApplicationForm(ApplicantForm):
    body = forms.ModelChoiceField(
        label="受理机关",
        queryset=Body.objects.filter(is_active=True, kind__in=FOI_ACCEPTING_KINDS),
        empty_label="请选择",
    )
    # Idempotency key and secret of the query code (foi.online): server-generated, per session.
    token = forms.CharField(widget=forms.HiddenInput, max_length=64, required=False)
    field_order = ["body"]

    @staticmethod
    def new_token(session_key: str) -> str:
        return new_form_token(session_key)

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        # A token the server did not issue (missing, mistyped, forged, or from before a key
        # change) cannot name a submission. The citizen sees a banner, not a hidden-field error,
        # and the view hands out a fresh token with everything typed kept.
        if not form_token_issued(data.get("token") or ""):
            self.add_error(None, STALE_FORM)
        return data

    def replace_token(self, token: str) -> None:
        """Re-render this bound form with a fresh token: the old one is spent or invalid."""
        if isinstance(self.data, QueryDict):
            data = self.data.copy()  # request.POST is immutable; a copy keeps multi-values
            data["token"] = token
            self.data = data
        else:
            self.data = {**self.data, "token": token}


class RegisterForm(ApplicantForm):
    body = forms.ModelChoiceField(label="受理机关", queryset=Body.objects.none())
    channel = forms.ChoiceField(label="申请方式", choices=Channel.choices)
    submitted_on = forms.DateField(label="提交/寄出日期", required=False, widget=DATE)
    confirmed_on = forms.DateField(
        label="签收/确认收到日期（邮寄填签收日，平信、网上、传真填确认日）",
        required=False,
        widget=DATE,
    )
    field_order = ["body", "channel", "submitted_on", "confirmed_on"]


class TrackForm(forms.Form):
    number = forms.CharField(label="受理编号", max_length=32)
    code = forms.CharField(label="查询密码", max_length=32)


class WithdrawForm(forms.Form):
    """撤回申请 on the tracking page: an explicit confirmation, an optional explanation."""

    confirm = forms.BooleanField(
        label="我确认撤回本申请：受理机关确认后将终止办理，不再作出答复",
        error_messages={"required": "请勾选确认后再提交撤回。"},
    )
    reason = forms.CharField(
        label="撤回说明（可不填）",
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"max_length": "撤回说明不能超过 500 字。"},
    )


class _StaffChoice(forms.ModelChoiceField):  # type: ignore[type-arg]
    """Staff by name (李承办), as the queue shows them, not by login (demo_handler)."""

    def label_from_instance(self, obj: Any) -> str:
        return str(obj.get_full_name() or obj.get_username())


class AssignForm(forms.Form):
    handler = _StaffChoice(label="承办人", queryset=Body.objects.none())


class CorrectionForm(forms.Form):
    items = forms.CharField(label="需要补正的全部事项", widget=forms.Textarea(attrs={"rows": 3}))
    period_days = forms.IntegerField(
        label="补正期限（工作日）", min_value=1, max_value=60, required=False
    )
    on = forms.DateField(label="通知日期", required=False, widget=DATE)


class DateForm(forms.Form):
    on = forms.DateField(label="日期", required=False, widget=DATE)
    note = forms.CharField(label="说明", required=False, max_length=500)


class ExtendForm(forms.Form):
    days = forms.IntegerField(label="延长工作日数（≤20）", min_value=1, initial=20)
    reason = forms.CharField(label="延期理由", max_length=500)
    on = forms.DateField(label="决定日期", required=False, widget=DATE)


class ConsultStartForm(forms.Form):
    party_kind = forms.ChoiceField(
        label="对象类型", choices=[("third_party", "第三方"), ("agency", "其他行政机关")]
    )
    party = forms.CharField(label="征求意见对象", max_length=200)
    on = forms.DateField(label="发出日期", required=False, widget=DATE)


class ConsultEndForm(forms.Form):
    answer = forms.ChoiceField(label="意见", choices=list(CONSULTATION_ANSWERS.items()))
    on = forms.DateField(label="收到意见/届满日期", required=False, widget=DATE)
    note = forms.CharField(label="说明", required=False, max_length=500)


class FeeForm(forms.Form):
    method = forms.ChoiceField(label="计收方式", choices=FeeMethod.choices)
    units = forms.IntegerField(label="件数/页数", min_value=1, max_value=fees.MAX_UNITS)
    how_to_pay = forms.CharField(label="缴费方式", required=False, max_length=500)
    on = forms.DateField(label="通知日期", required=False, widget=DATE)


class ReplyForm(forms.Form):
    outcome = forms.ChoiceField(label="办理结果", choices=[("", "请选择")] + list(Outcome.choices))
    reason = forms.CharField(
        label="理由/依据说明", required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    withheld = forms.CharField(
        label="不予公开部分及理由（部分公开时必填）",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    released = forms.CharField(
        label="提供的信息/获取方式", required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    on = forms.DateField(label="答复日期", required=False, widget=DATE)


class ReviewForm(forms.Form):
    kind = forms.ChoiceField(label="类型", choices=ReviewKind.choices)
    filed_on = forms.DateField(label="立案/申请日期", widget=DATE)
    decided_on = forms.DateField(label="决定/判决日期", required=False, widget=DATE)
    result = forms.ChoiceField(label="结果", choices=ReviewResult.choices)
    authority = forms.CharField(label="复议机关/法院", required=False, max_length=100)
    case_number = forms.CharField(label="案号", required=False, max_length=60)


class DecideForm(forms.Form):
    case = forms.IntegerField(widget=forms.HiddenInput)
    result = forms.ChoiceField(
        label="结果", choices=[c for c in ReviewResult.choices if c[0] != ReviewResult.PENDING]
    )
    decided_on = forms.DateField(label="决定/判决日期", widget=DATE)


class AttachForm(forms.Form):
    file = forms.FileField(label="答复附件（提供的政府信息）")


class ImportForm(forms.Form):
    file = forms.FileField(label="文件（xlsx 或 csv）")
