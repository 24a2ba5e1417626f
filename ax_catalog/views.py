from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_GET

from arena.models import ModelEndpoint
from ax_catalog import completeness, selectors
from ax_catalog.models import UseCase

PAGE_SIZE = 20


@require_GET
def index(request):
    query = request.GET.get("q", "").strip()[:200]
    selected = {key: request.GET.getlist(key) for key in selectors.FACETS if request.GET.getlist(key)}
    results = selectors.usecase_search(query=query, selected=selected)
    page = Paginator(results.pageable(), PAGE_SIZE).get_page(request.GET.get("page"))
    params = request.GET.copy()
    params.pop("page", None)
    context = {"results": results, "page": page, "params": params.urlencode(), "query": query}
    template = "ax_catalog/partials/results.html" if request.htmx else "ax_catalog/index.html"
    return render(request, template, context)


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
    use_case = get_object_or_404(
        UseCase.objects.published()
        .select_related("agency", "sovereign_model__team")
        .prefetch_related("kpis"),
        case_id=case_id,
    )
    score, missing = completeness.of_case(use_case)
    fields = [
        (
            f.verbose_name,
            getattr(use_case, f"get_{f.name}_display")() if f.choices else getattr(use_case, f.name),
        )
        for f in UseCase._meta.fields
        if f.name not in ("id", "search_lexemes", "status", "review_comment")
        and getattr(use_case, f.name) not in (None, "")
    ]
    return render(
        request,
        "ax_catalog/detail.html",
        {"case": use_case, "fields": fields, "score": score, "missing": completeness.labels(missing)},
    )


@require_GET
def agencies(request):
    """Per agency: how many published cases, how complete they are, and what they most often omit."""
    scores = completeness.by_agency(UseCase.objects.published())
    return render(request, "ax_catalog/agencies.html", {"scores": scores})
