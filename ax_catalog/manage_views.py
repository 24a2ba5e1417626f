"""The editor-to-reviewer workflow pages. Permission checks live in one helper per role."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from ax_catalog import completeness, services
from ax_catalog.forms import ReviewForm, UseCaseForm
from ax_catalog.models import Feedback, FeedbackStatus, Status, UseCase
from core import roles


def _editor(request) -> None:
    if not roles.has_role(request.user, roles.AGENCY_EDITOR, roles.ADMINISTRATOR):
        raise PermissionDenied


def _reviewer(request) -> None:
    if not roles.has_role(request.user, roles.MINISTRY_REVIEWER, roles.ADMINISTRATOR):
        raise PermissionDenied


def _editable(request, case_id: str) -> UseCase:
    """The editor's own agency's case, in a state an editor may change."""
    _editor(request)
    cases = UseCase.objects.all()
    if not request.user.is_superuser:
        cases = cases.filter(agency__editors=request.user)
    use_case = get_object_or_404(cases, case_id=case_id)
    if use_case.status not in (Status.DRAFT, Status.RETURNED):
        raise PermissionDenied
    return use_case


def _reviewable(request, case_id: str) -> UseCase:
    """A case a reviewer may open: submitted for review, or published (to return it). An agency's
    draft, or a case handed back to its editor, is the agency's own until it is submitted."""
    _reviewer(request)
    cases = UseCase.objects.filter(status__in=services.REVIEWABLE).select_related("agency")
    return get_object_or_404(cases, case_id=case_id)


@login_required
def manage(request):
    is_editor = roles.has_role(request.user, roles.AGENCY_EDITOR, roles.ADMINISTRATOR)
    is_reviewer = roles.has_role(request.user, roles.MINISTRY_REVIEWER, roles.ADMINISTRATOR)
    if not (is_editor or is_reviewer):
        raise PermissionDenied
    own = UseCase.objects.none()
    received = Feedback.objects.none()
    if is_editor:
        own = UseCase.objects.select_related("agency").prefetch_related("kpis")
        received = Feedback.objects.filter(status=FeedbackStatus.APPROVED).select_related("use_case")
        if not request.user.is_superuser:
            own = own.filter(agency__editors=request.user)
            received = received.filter(use_case__agency__editors=request.user)
    queue = UseCase.objects.filter(status=Status.SUBMITTED).select_related("agency") if is_reviewer else []
    pending = (
        Feedback.objects.filter(status=FeedbackStatus.PENDING).select_related("use_case")[:100]
        if is_reviewer
        else []
    )
    rows = [(case, completeness.of_case(case)[0]) for case in own.filter(~Q(status=Status.PUBLISHED))[:200]]
    context = {
        "rows": rows,
        "queue": queue,
        "is_editor": is_editor,
        "is_reviewer": is_reviewer,
        "pending_feedback": pending,
        "received_feedback": received[:100],
    }
    return render(request, "ax_catalog/manage.html", context)


@login_required
def create(request):
    _editor(request)
    form = UseCaseForm(request.POST or None, editor=request.user)
    if request.method == "POST" and form.is_valid():
        return _save(request, form, action="create")
    return render(request, "ax_catalog/edit.html", {"form": form})


@login_required
def edit(request, case_id: str):
    use_case = _editable(request, case_id)
    form = UseCaseForm(request.POST or None, instance=use_case, editor=request.user)
    if request.method == "POST" and form.is_valid():
        return _save(request, form, action="edit")
    return render(request, "ax_catalog/edit.html", {"form": form, "case": use_case})


def _save(request, form, *, action: str):
    use_case = form.save(commit=False)
    try:
        services.usecase_save(use_case=use_case, actor=request.user, action=action)
        if request.POST.get("submit") == "1":
            services.usecase_transition(use_case=use_case, action="submit", actor=request.user)
    except ValidationError as error:
        form.add_error(None, error)
        return render(
            request, "ax_catalog/edit.html", {"form": form, "case": use_case if use_case.pk else None}
        )
    messages.success(request, _("저장했습니다. 포털 ID: %(id)s") % {"id": use_case.case_id})
    return redirect("ax_catalog:manage")


@login_required
def review(request, case_id: str):
    use_case = _reviewable(request, case_id)
    form = ReviewForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.usecase_transition(
                use_case=use_case,
                action=form.cleaned_data["action"],
                actor=request.user,
                comment=form.cleaned_data["comment"],
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("처리했습니다."))
            return redirect("ax_catalog:manage")
    score, missing = completeness.of_case(use_case)
    context = {
        "case": use_case,
        "form": form,
        "score": score,
        "missing": completeness.labels(missing),
        "versions": use_case.versions.all()[:20],
    }
    return render(request, "ax_catalog/review.html", context)


@login_required
@require_POST
def feedback_moderate(request, feedback_id: int):
    _reviewer(request)
    item = get_object_or_404(Feedback, pk=feedback_id)
    try:
        services.feedback_moderate(
            feedback=item, approve=request.POST.get("decision") == "approve", actor=request.user
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("의견을 처리했습니다."))
    return redirect("ax_catalog:manage")
