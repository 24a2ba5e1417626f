"""Staff pages of model versions: drifted versions with the diff against their baseline (clear or
confirm), recent canary runs, and retirement with a reason from the fixed list. Decisions go through
arena/endpoints/versions.py, which audit-logs them."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from arena.endpoints import canary, versions
from arena.models import CanaryRun, ModelEndpoint
from core import roles

STAFF = (roles.MINISTRY_REVIEWER, roles.ADMINISTRATOR)


class DriftDecisionForm(forms.Form):
    action = forms.ChoiceField(choices=[("clear", "clear"), ("confirm", "confirm")])
    reason = forms.CharField(min_length=5, max_length=2000, strip=True)


class RetireForm(forms.Form):
    reason = forms.ChoiceField(
        label=gettext_lazy("은퇴 사유"),
        choices=[("", "—"), *ModelEndpoint.Retirement.choices],
        error_messages={"required": gettext_lazy("은퇴 사유: 정해진 목록에서 골라 주세요.")},
    )
    retired_on = forms.DateField(
        label=gettext_lazy("은퇴일"),
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={
            "required": gettext_lazy("은퇴일: 날짜를 적어 주세요."),
            "invalid": gettext_lazy("은퇴일: YYYY-MM-DD 형식의 날짜를 적어 주세요."),
        },
    )
    note = forms.CharField(label=gettext_lazy("설명"), required=False, max_length=2000)


def _errors_text(error) -> str:
    if hasattr(error, "error_dict"):
        return " ".join(m for ms in error.message_dict.values() for m in ms)
    if hasattr(error, "errors"):  # a form's ErrorDict
        return " ".join(m for ms in error.values() for m in ms)
    return " ".join(error.messages)


@login_required
def staff_versions(request):
    roles.require(request.user, *STAFF)
    pending = list(
        CanaryRun.objects.filter(outcome=CanaryRun.Outcome.DRIFTED, review=CanaryRun.Review.PENDING)
        .select_related("endpoint__team")
        .order_by("-started_at")
    )
    context = {
        "pending": [{"run": run, "diff": canary.canary_diff(run)} for run in pending],
        "runs": CanaryRun.objects.select_related("endpoint__team", "reviewed_by")[:50],
        "counts": canary.canary_outcome_counts(),
        "endpoints": ModelEndpoint.objects.select_related("team", "attestation").order_by(
            "team__name", "retired_on", "name"
        ),
        "retire_form": RetireForm(initial={"retired_on": timezone.localdate()}),
    }
    return render(request, "arena/staff_versions.html", context)


@login_required
@require_POST
def staff_drift_decide(request, run_id: int):
    roles.require(request.user, *STAFF)
    run = get_object_or_404(CanaryRun, pk=run_id)
    form = DriftDecisionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("조치와 사유(5자 이상)를 입력해 주세요. 아무것도 바뀌지 않았습니다."))
        return redirect("staff:versions")
    decide = versions.drift_clear if form.cleaned_data["action"] == "clear" else versions.drift_confirm
    try:
        decide(run=run, reviewer=request.user, reason=form.cleaned_data["reason"])
    except ValidationError as error:
        messages.error(request, _errors_text(error) + " " + _("아무것도 바뀌지 않았습니다."))
        return redirect("staff:versions")
    messages.success(request, _("결정을 반영하고 감사 기록에 남겼습니다."))
    return redirect("staff:versions")


@login_required
@require_POST
def staff_version_retire(request, endpoint_id: int):
    roles.require(request.user, *STAFF)
    endpoint = get_object_or_404(ModelEndpoint, pk=endpoint_id)
    form = RetireForm(request.POST)
    if not form.is_valid():
        messages.error(request, _errors_text(form.errors) + " " + _("아무것도 바뀌지 않았습니다."))
        return redirect("staff:versions")
    try:
        versions.version_retire(
            endpoint=endpoint,
            reason=form.cleaned_data["reason"],
            retired_on=form.cleaned_data["retired_on"],
            note=form.cleaned_data["note"],
            actor=request.user,
        )
    except ValidationError as error:
        messages.error(request, _errors_text(error) + " " + _("아무것도 바뀌지 않았습니다."))
        return redirect("staff:versions")
    messages.success(request, _("버전을 은퇴시키고 감사 기록에 남겼습니다. 표와 순위 행은 그대로 남습니다."))
    return redirect("staff:versions")
