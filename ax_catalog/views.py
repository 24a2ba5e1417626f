from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from arena.models import ModelEndpoint
from arena.safety import limits
from ax_catalog import completeness, display, open_data, selectors, services
from ax_catalog.forms import FeedbackForm
from ax_catalog.models import SCHEMA_VERSION, UseCase

PAGE_SIZE = 20


@require_GET
def index(request):
    query = request.GET.get("q", "").strip()[:200]
    selected = {key: request.GET.getlist(key) for key in selectors.FACETS if request.GET.getlist(key)}
    missing = [k for k in request.GET.getlist(selectors.MISSING) if k in selectors.MISSING_KEYS]
    results = selectors.usecase_search(query=query, selected=selected, missing=missing)
    page = Paginator(results.pageable(), PAGE_SIZE).get_page(request.GET.get("page"))
    params = request.GET.copy()
    params.pop("page", None)
    context = {
        "results": results,
        "page": page,
        "params": params.urlencode(),
        "query": query,
        "gaps": selectors.practice_gaps(missing),
        "missing": missing,
        # Shown on the button that opens the collapsed filters.
        "active_filters": sum(len(values) for values in selected.values()) + len(missing),
    }
    template = "ax_catalog/partials/results.html" if request.htmx else "ax_catalog/index.html"
    return render(request, template, context)


def _published(case_id: str) -> UseCase:
    use_case = selectors.usecase_public(case_id)
    if use_case is None:
        raise Http404
    return use_case


@require_GET
def model_cases(request, endpoint_id: int):
    """The published cases that use one arena model: a fragment of the arena's model page (the
    catalogue builds on the arena, so the arena asks for it rather than importing the catalogue)."""
    endpoint = get_object_or_404(ModelEndpoint.objects.select_related("team"), pk=endpoint_id)
    context = {"endpoint": endpoint, "cases": selectors.usecases_using(endpoint)}
    template = "ax_catalog/partials/model_cases.html" if request.htmx else "ax_catalog/model_cases.html"
    return render(request, template, context)


@require_GET
def detail(request, case_id: str):
    use_case = _published(case_id)
    return _detail(request, use_case, FeedbackForm())


def _detail(request, use_case: UseCase, form: FeedbackForm, *, status: int = 200):
    score, missing = completeness.of_case(use_case)
    context = {
        "case": use_case,
        "sections": display.sections(use_case),
        "objection": display.objection(use_case),
        "crosswalk": display.crosswalk(use_case),
        "score": score,
        "missing": completeness.labels(missing),
        "feedback_form": form,
    }
    return render(request, "ax_catalog/detail.html", context, status=status)


@require_POST
def feedback(request, case_id: str):
    """A citizen's short comment on a published record (redacted, moderated, then passed to the agency)."""
    use_case = _published(case_id)
    form = FeedbackForm(request.POST)
    if not form.is_valid():
        return _detail(request, use_case, form, status=400)
    if form.cleaned_data["website"]:  # only a robot fills the hidden field; say nothing to it
        return redirect("ax_catalog:detail", case_id=case_id)
    if not services.feedback_allowance_take(limits.network_of(request.META.get("REMOTE_ADDR"))):
        form.add_error(
            None,
            _(
                "이 네트워크에서 한 시간에 보낼 수 있는 의견 수(%(n)s건)를 넘었습니다. 잠시 뒤에 다시 보내 주세요."
            )
            % {"n": settings.AX_FEEDBACK_PER_HOUR},
        )
        return _detail(request, use_case, form, status=429)
    try:
        services.feedback_submit(use_case=use_case, text=form.cleaned_data["text"])
    except ValidationError as error:
        form.add_error(None, error)
        return _detail(request, use_case, form, status=400)
    messages.success(request, _("의견을 받았습니다. 검토를 거쳐 기관에 전달합니다."))
    return redirect("ax_catalog:detail", case_id=case_id)


@require_GET
def agencies(request):
    """Per agency: how many published cases, how complete they are, and what they most often omit."""
    scores = completeness.by_agency(UseCase.objects.published())
    return render(request, "ax_catalog/agencies.html", {"scores": scores})


@require_GET
def open_data_page(request):
    context = {
        "licence": open_data.licence(),
        "count": UseCase.objects.published().count(),
        "csv_name": open_data.filename("csv"),
        "json_name": open_data.filename("json"),
        "schema_version": SCHEMA_VERSION,
    }
    return render(request, "ax_catalog/open_data.html", context)


@require_GET
def download(request, extension: str):
    """Every published record, dated, streamed (the catalogue may hold a hundred thousand)."""
    if extension == "json":
        response = StreamingHttpResponse(
            open_data.json_chunks(), content_type="application/json; charset=utf-8"
        )
    else:
        response = StreamingHttpResponse(open_data.csv_chunks(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{open_data.filename(extension)}"'
    licence = open_data.licence()
    response["Link"] = f'<{licence["url"]}>; rel="license"'
    return response
