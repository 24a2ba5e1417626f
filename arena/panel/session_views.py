"""Session pages: a participant joins with a code; a facilitator opens sessions and follows them live.
Results show only once a session is large enough to protect its participants (arena/panel/sessions.py)."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from arena.consent import session_voter
from arena.errors import ArenaError
from arena.models import Cohort
from arena.panel import sessions
from core import roles


class JoinForm(forms.Form):
    code = forms.CharField(label=gettext_lazy("참여 코드"), max_length=12)


class CohortForm(forms.Form):
    name = forms.CharField(label=gettext_lazy("세션 이름 (예: 3학년 2반 AI 수업)"), max_length=100)


def _joined(request) -> Cohort | None:
    cohort_id = request.session.get(sessions.SESSION_COHORT)
    return Cohort.objects.filter(pk=cohort_id).first() if cohort_id else None


@require_http_methods(["GET", "POST"])
def session_join(request):
    form = JoinForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            cohort = sessions.cohort_join(
                code=form.cleaned_data["code"], voter=session_voter(request.session)
            )
        except ArenaError as error:
            form.add_error("code", error.message)
        else:
            request.session[sessions.SESSION_COHORT] = cohort.pk
            messages.success(
                request,
                _("'%(name)s' 세션에 참여했습니다. 이제 대결에 투표해 주세요.") % {"name": cohort.name},
            )
            return redirect("arena:battle")
    cohort = _joined(request)
    return render(
        request,
        "arena/session_join.html",
        {
            "form": form,
            "cohort": cohort,
            "progress": sessions.cohort_progress(cohort) if cohort else None,
            "results": sessions.cohort_results(cohort) if cohort else None,
        },
        status=400 if form.errors else 200,
    )


@require_POST
def session_leave(request):
    request.session.pop(sessions.SESSION_COHORT, None)
    messages.info(request, _("세션에서 나왔습니다. 앞으로의 투표는 세션에 묶이지 않습니다."))
    return redirect("arena:session_join")


def _facilitator(request) -> None:
    roles.require(request.user, roles.FACILITATOR, roles.ADMINISTRATOR)


def _own_cohort(request, code: str) -> Cohort:
    _facilitator(request)
    cohort = get_object_or_404(Cohort, code=sessions.code_normalise(code))
    if cohort.facilitator_id != request.user.pk and not roles.has_role(request.user, roles.ADMINISTRATOR):
        raise Http404  # another facilitator's session: as if it did not exist
    return cohort


@login_required
@require_http_methods(["GET", "POST"])
def sessions_home(request):
    _facilitator(request)
    form = CohortForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            cohort = sessions.cohort_create(facilitator=request.user, name=form.cleaned_data["name"])
        except ArenaError as error:
            form.add_error("name", error.message)
        else:
            return redirect("arena:session_detail", code=cohort.code)
    cohorts = Cohort.objects.filter(facilitator=request.user)
    return render(
        request,
        "arena/sessions_home.html",
        {"form": form, "cohorts": cohorts},
        status=400 if form.errors else 200,
    )


@login_required
@require_GET
def session_detail(request, code: str):
    cohort = _own_cohort(request, code)
    context = {
        "cohort": cohort,
        "progress": sessions.cohort_progress(cohort),
        "results": sessions.cohort_results(cohort),
    }
    template = "arena/partials/session_progress.html" if request.htmx else "arena/session_detail.html"
    return render(request, template, context)


@login_required
@require_POST
def session_close(request, code: str):
    cohort = _own_cohort(request, code)
    sessions.cohort_close(cohort=cohort)
    messages.success(request, _("세션을 마쳤습니다. 더는 참여를 받지 않습니다."))
    return redirect("arena:session_detail", code=cohort.code)
