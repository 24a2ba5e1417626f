"""Stage-evaluation pages. Reviewers examine, what-if, publish and export; administrators manage rounds
and evidence; experts see only their blind-review queue; the public sees only what was published."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from arena.models import Campaign
from core import roles, spreadsheet
from core.audit import AuditLog
from evaluation import evidence, reviews, round_templates, scoring, selectors, services
from evaluation.labels import PUBLISHABLE_EXTRA
from evaluation.models import RUBRIC, RUBRIC_HELP, SCORE_LABELS, Appeal, ReviewAssignment, Round
from evaluation.panel_agreement import panel_expert_agreement
from evaluation.publication import public_view
from evaluation.serialize import scorecard_dict

REVIEWERS = (roles.MINISTRY_REVIEWER, roles.ADMINISTRATOR)


def _round(request, slug: str, *allowed: str) -> Round:
    """The one door to a round in these views: the role check, then the round or 404."""
    roles.require(request.user, *(allowed or REVIEWERS))
    return get_object_or_404(Round, slug=slug)


@login_required
@require_GET
def rounds(request):
    roles.require(request.user, *REVIEWERS)
    return render(request, "evaluation/rounds.html", {"rounds": Round.objects.all()})


@login_required
@require_http_methods(["GET", "POST"])
def round_new(request):
    """A reviewer creates the next round from a template, optionally entering the teams that
    advanced in an earlier round; names and points are adjusted on the next page."""
    roles.require(request.user, *REVIEWERS)
    error = None
    if request.method == "POST":
        source = request.POST.get("teams_from", "")
        try:
            teams_from = Round.objects.get(slug=source) if source else None
            count = request.POST.get("advance_count", "").strip()
            round_obj = services.round_create(
                template=request.POST.get("template", ""),
                slug=request.POST.get("slug", ""),
                name=request.POST.get("name", ""),
                advance_count=int(count) if count.isdigit() else None if not count else -1,
                actor=request.user,
                teams_from=teams_from,
            )
        except Round.DoesNotExist:
            error = _("팀을 가져올 평가를 찾을 수 없습니다.")
        except ValidationError as exc:
            error = exc.messages[0]
        else:
            messages.success(request, _("새 평가를 만들었습니다. 공개 전에 항목과 배점을 조정하세요."))
            return redirect("evaluation:weights", slug=round_obj.slug)
    return render(
        request,
        "evaluation/round_new.html",
        {
            "templates": round_templates.TEMPLATES.values(),
            "rounds": Round.objects.all(),
            "error": error,
            "posted": request.POST if error else {},
        },
        status=400 if error else 200,
    )


def _scorecard_render(request, round_obj: Round, *, publish_error: str | None = None):
    scores = selectors.expert_scores(round_obj)
    built = selectors.scorecard_build(round_obj, scores=scores)
    experts, alpha, shared = selectors.expert_stats(round_obj, scores)
    return render(
        request,
        "evaluation/scorecard.html",
        {
            "sc": built,
            "experts": experts,
            "alpha": alpha,
            "shared_units": shared,
            "rubric": RUBRIC,
            "is_admin": roles.has_role(request.user, roles.ADMINISTRATOR),
            "publishable": [(b.key, b.label) for b in built.blocks] + list(PUBLISHABLE_EXTRA.items()),
            "publish_error": publish_error,
            "posted": request.POST if publish_error else {},
            "open_appeals": round_obj.appeals_open_count(),
            "method_version": scoring.METHOD_VERSION,
        },
        status=400 if publish_error else 200,
    )


@login_required
@require_GET
def scorecard(request, slug: str):
    return _scorecard_render(request, _round(request, slug))


@login_required
@require_GET
def what_if(request, slug: str):
    """The scorecard recomputed with other weights; the official weights are not touched. Opened
    without weights (a bookmark, a shared link), it shows the official weights."""
    round_obj = _round(request, slug)
    template = "evaluation/partials/what_if.html" if request.htmx else "evaluation/what_if_page.html"
    context = {"slug": slug, "blocks": list(round_obj.blocks.all())}
    if not any(key.startswith("weight-") for key in request.GET):
        return render(request, template, context | {"sc": selectors.scorecard_build(round_obj)})
    try:
        weights = services.parse_weights(round_obj, request.GET)
    except ValidationError as error:
        return render(
            request, template, context | {"error": error.messages[0], "asked": request.GET}, status=400
        )
    return render(
        request,
        template,
        context | {"sc": selectors.scorecard_build(round_obj, weights=weights), "asked": request.GET},
    )


@login_required
@require_POST
def publish(request, slug: str):
    round_obj = _round(request, slug)
    choices = {entry.pk: request.POST.getlist(f"publish-{entry.pk}") for entry in round_obj.entries.all()}
    try:
        services.publication_set(
            round_obj=round_obj,
            choices=choices,
            publish_round=request.POST.get("publish_round") == "1",
            actor=request.user,
            reason=request.POST.get("reason", ""),
            withheld_reason=request.POST.get("withheld_reason", ""),
        )
    except ValidationError as exc:
        round_obj.refresh_from_db()
        return _scorecard_render(request, round_obj, publish_error=exc.messages[0])
    messages.success(request, _("공개 범위를 저장했습니다. 사유가 감사 기록에 남았습니다."))
    return redirect("evaluation:scorecard", slug=slug)


@login_required
@require_POST
def close(request, slug: str):
    """Close a round to appeals (reason required)."""
    round_obj = _round(request, slug)
    try:
        services.round_close(round_obj=round_obj, actor=request.user, reason=request.POST.get("reason", ""))
    except ValidationError as exc:
        messages.error(request, exc.messages[0])
    else:
        messages.success(request, _("평가를 종료했습니다. 더는 이의를 받지 않습니다."))
    return redirect("evaluation:scorecard", slug=slug)


@login_required
@require_http_methods(["GET", "POST"])
def weights(request, slug: str):
    """Adjust a round: block weights always (with a reason); before publication also block and
    sub-item names (Korean and English) and sub-item points."""
    round_obj = _round(request, slug)
    error = None
    if request.method == "POST":
        try:
            services.round_weights_set(
                round_obj=round_obj,
                weights=services.parse_weights(round_obj, request.POST),
                structure=None
                if round_obj.is_published
                else services.parse_structure(round_obj, request.POST),
                actor=request.user,
                reason=request.POST.get("reason", ""),
            )
        except ValidationError as exc:
            error = exc.messages[0]
        else:
            messages.success(request, _("배점을 바꿨습니다. 감사 기록에 남았습니다."))
            return redirect("evaluation:scorecard", slug=slug)
    return render(
        request,
        "evaluation/weights.html",
        {
            "round": round_obj,
            "blocks": round_obj.blocks.prefetch_related("sub_items"),
            "error": error,
            "posted": request.POST if error else {},
        },
        status=400 if error else 200,
    )


@login_required
@require_GET
def audit(request, slug: str):
    """Every recorded decision on this round, its teams and its appeals, newest first, with reasons."""
    round_obj = _round(request, slug)
    target = f"round:{round_obj.slug}"
    entries = AuditLog.objects.filter(Q(target=target) | Q(target__startswith=target + ":")).select_related(
        "actor"
    )[:500]
    return render(request, "evaluation/audit.html", {"round": round_obj, "entries": entries})


def _evidence_render(request, round_obj: Round, errors: list | None = None):
    return render(
        request,
        "evaluation/evidence.html",
        {
            "round": round_obj,
            "entries": selectors.round_entries(round_obj),
            "errors": errors or [],
            "columns": evidence.COLUMNS,
            "hub_url": settings.MODEL_HUB_URL,
            "tolerance": settings.BENCHMARK_RERUN_TOLERANCE,
        },
        status=400 if errors else 200,
    )


def _entry(request, round_obj: Round):
    return get_object_or_404(round_obj.entries, pk=request.POST.get("entry"))


@login_required
@require_GET
def evidence_page(request, slug: str):
    """Administrators: import benchmark results and derivative counts (originality: its own page)."""
    return _evidence_render(request, _round(request, slug, roles.ADMINISTRATOR))


@login_required
@require_POST
def evidence_benchmarks_import(request, slug: str):
    round_obj = _round(request, slug, roles.ADMINISTRATOR)
    upload = request.FILES.get("file")
    try:
        if upload is None:
            raise ValidationError(_("파일을 골라 주세요."))
        evidence.size_check(upload.size)  # before reading it into memory
        result = evidence.benchmarks_import(
            round_obj=round_obj, rows=evidence.parse(upload.read(), upload.name), actor=request.user
        )
    except ValidationError as exc:
        return _evidence_render(request, round_obj, exc.messages)
    if result.errors:
        return _evidence_render(request, round_obj, result.errors)
    messages.success(
        request,
        _("벤치마크 결과 %(n)s건을 등록했습니다 (재실행 %(r)s건, 재현 정보 없음 %(m)s건).")
        % {"n": result.imported, "r": result.reruns, "m": result.without_reproducibility},
    )
    return redirect("evaluation:evidence", slug=slug)


@login_required
@require_POST
def evidence_derivatives_set(request, slug: str):
    round_obj = _round(request, slug, roles.ADMINISTRATOR)
    entry = _entry(request, round_obj)
    raw = request.POST.get("count", "").strip()
    if not raw.isdigit():
        return _evidence_render(request, round_obj, [_("파생 모델 수는 0 이상의 정수여야 합니다.")])
    services.derivatives_set(entry=entry, count=int(raw), source="manual", actor=request.user)
    messages.success(request, _("파생 모델 수를 저장했습니다."))
    return redirect("evaluation:evidence", slug=slug)


@login_required
@require_POST
def evidence_hub_sync(request, slug: str):
    round_obj = _round(request, slug, roles.ADMINISTRATOR)
    report = services.derivatives_sync(
        round_obj=round_obj, hub_url=settings.MODEL_HUB_URL, actor=request.user
    )
    for team, result in report.items():
        if isinstance(result, int):
            messages.success(request, _("%(team)s: 파생 모델 %(n)s개") % {"team": team, "n": result})
        else:
            messages.error(
                request,
                _("%(team)s: 허브를 읽지 못했습니다 (%(e)s). 기존 값을 유지합니다.")
                % {"team": team, "e": result},
            )
    return redirect("evaluation:evidence", slug=slug)


@login_required
@require_GET
def export_csv(request, slug: str):
    """The same plain data as `manage.py scorecard --format json` and the API, as a spreadsheet."""
    data = scorecard_dict(selectors.scorecard_build(_round(request, slug)))
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="scorecard-{slug}.csv"'
    writer = spreadsheet.writer(response)  # the BOM Korean Excel needs, formula-looking cells defused
    keys = [b["key"] for b in data["blocks"]]
    writer.writerow(
        [
            "team",
            *[f"{b['key']} ({b['weight']:g})" for b in data["blocks"]],
            "total",
            "rank",
            "status",
            "stability",
            "gate",
            "published",
        ]
    )
    blank = lambda value: "" if value is None else value  # noqa: E731
    for team in data["teams"]:
        writer.writerow(
            [
                team["team"],
                *[blank(team["points"][k]) for k in keys],
                blank(team["total"]),
                blank(team["rank"]),
                team["status"],
                blank(team["stability"]),
                team["gate"],
                " ".join(team["published"]),
            ]
        )
    return response


@login_required
@require_GET
def report(request, slug: str):
    round_obj = _round(request, slug)
    scores = selectors.expert_scores(round_obj)
    experts, alpha, shared = selectors.expert_stats(round_obj, scores)
    return render(
        request,
        "evaluation/report.html",
        {
            "sc": selectors.scorecard_build(round_obj, scores=scores),
            "experts": experts,
            "alpha": alpha,
            "shared_units": shared,
        },
    )


# --- experts --------------------------------------------------------------------------------------


@login_required
@require_GET
def review_queue(request):
    roles.require(request.user, roles.EXPERT)
    assignments = reviews.review_queue_fill(expert=request.user)
    return render(request, "evaluation/review_queue.html", {"assignments": assignments})


@login_required
@require_GET
def panel_agreement(request):
    """How far the verified panel and the experts agree, model by model (a fragment of the arena's
    staff panel page, and a page of its own without JavaScript)."""
    roles.require(request.user, *REVIEWERS)
    campaign = Campaign.objects.active()
    context = {"agreement": panel_expert_agreement(campaign) if campaign else None}
    template = (
        "evaluation/partials/panel_agreement.html" if request.htmx else "evaluation/panel_agreement.html"
    )
    return render(request, template, context)


@login_required
@require_http_methods(["GET", "POST"])
def review(request, assignment_id: int):
    roles.require(request.user, roles.EXPERT)
    assignment = get_object_or_404(ReviewAssignment, pk=assignment_id, expert=request.user)
    error = None
    if request.method == "POST":
        try:
            reviews.review_submit(
                assignment=assignment,
                expert=request.user,
                scores=reviews.parse_scores(request.POST),
                comment=request.POST.get("comment", ""),
            )
        except ValidationError as exc:
            error = exc.messages[0]
        else:
            messages.success(request, _("평가를 제출했습니다."))
            return redirect("evaluation:review_queue")
    return render(
        request,
        "evaluation/review.html",
        {
            "assignment": assignment,
            "turns": assignment.battle.turns.all(),
            "rubric": [(key, label, RUBRIC_HELP[key]) for key, label in RUBRIC.items()],
            "error": error,
            "posted": request.POST if error else {},
            "scale": SCORE_LABELS.items(),
        },
        status=400 if error else 200,
    )


# --- public ---------------------------------------------------------------------------------------


def _published(slug: str) -> Round:
    round_obj = get_object_or_404(Round, slug=slug)
    if not round_obj.is_published:
        raise Http404
    return round_obj


@require_GET
def results(request, slug: str):
    return render(request, "evaluation/results.html", {"view": public_view(_published(slug))})


@require_GET
def results_print(request, slug: str):
    """The same page laid out for paper, with the method and a line for the reviewer's signature."""
    return render(request, "evaluation/results_print.html", {"view": public_view(_published(slug))})


@require_GET
def results_appeal(request, slug: str, appeal_id: int):
    """A closed appeal, in public: what was appealed, the decision and its reasons. An open appeal is
    not public (404)."""
    round_obj = _published(slug)
    appeal = get_object_or_404(
        Appeal.objects.select_related("entry__team", "block").exclude(status=Appeal.Status.OPEN),
        pk=appeal_id,
        entry__round=round_obj,
    )
    return render(request, "evaluation/results_appeal.html", {"round": round_obj, "appeal": appeal})
