"""The open-data page: what is published, the ranking CSVs, the form to report sensitive data, and
the staff queue that decides those reports."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from arena.models import DataReport, LeaderboardSnapshot
from arena.ratings import open_data
from arena.ratings.method import method_version_latest
from arena.ratings.ranking_csv import LICENCE, ranking_csv_write, ranking_filename
from arena.ratings.snapshots import snapshot_latest
from arena.ratings.tables import VIEWS
from core import roles


class ReportForm(forms.Form):
    file = forms.ChoiceField(label=gettext_lazy("어느 파일인가요?"), choices=DataReport.File.choices)
    row = forms.CharField(
        label=gettext_lazy("어느 행인가요?"),
        max_length=80,
        help_text=gettext_lazy("vote_id(숫자) 또는 battle_id를 적어 주세요."),
    )
    what = forms.CharField(
        label=gettext_lazy("무엇이 문제인가요?"),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=4000,
        help_text=gettext_lazy(
            "예: 두 번째 질문에 제 전화번호가 들어 있습니다. 개인정보 자체는 다시 적지 않아도 됩니다."
        ),
    )
    contact_email = forms.EmailField(
        label=gettext_lazy("처리 결과를 받을 전자우편 (선택)"),
        required=False,
        help_text=gettext_lazy(
            "결과를 보낸 뒤 바로 지웁니다. 비워 두어도 접수번호와 확인 링크로 결과를 볼 수 있습니다."
        ),
    )


def _boards() -> list[dict]:
    boards = []
    for view in VIEWS:
        snapshot = snapshot_latest(view)
        if snapshot is not None:
            boards.append(
                {
                    "view": view,
                    "label": LeaderboardSnapshot.View(view).label,
                    "snapshot": snapshot,
                    "filename": ranking_filename(snapshot),
                }
            )
    return boards


def open_data_page(request):
    form = ReportForm(request.POST or None)
    context = {
        "form": form,
        "boards": _boards(),
        "licence": LICENCE,
        "method_version": method_version_latest(),
    }
    if request.method == "POST":
        if form.is_valid():
            try:
                report, key = open_data.data_report_submit(**form.cleaned_data)
            except open_data.ReportInvalid as error:
                form.add_error(None, error.message)
            else:
                status_url = request.build_absolute_uri(
                    reverse("open_data_status", args=[report.receipt]) + f"?key={key}"
                )
                return render(
                    request, "arena/open_data_received.html", {"report": report, "status_url": status_url}
                )
        return render(request, "arena/open_data.html", context, status=400)
    return render(request, "arena/open_data.html", context)


@require_GET
def open_data_report_status(request, receipt: str):
    report = open_data.data_report_for_status(receipt, request.GET.get("key", ""))
    if report is None:
        return render(
            request,
            "arena/panel_refused.html",
            {"message": _("접수번호나 확인 링크가 맞지 않습니다. 받은 링크를 그대로 열어 주세요.")},
            status=404,
        )
    return render(request, "arena/open_data_status.html", {"report": report})


@require_GET
def ranking_csv(request):
    view = request.GET.get("view", LeaderboardSnapshot.View.OVERALL)
    snapshot = snapshot_latest(view) if view in VIEWS else None
    if snapshot is None:
        return HttpResponse(
            _("이 보기의 순위가 아직 없습니다."), status=404, content_type="text/plain; charset=utf-8"
        )
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{ranking_filename(snapshot)}"'
    ranking_csv_write(response, snapshot)
    return response


class ReportDecisionForm(forms.Form):
    action = forms.ChoiceField(choices=[("redact", "redact"), ("decline", "decline")])
    note = forms.CharField(min_length=5, max_length=4000, strip=True)


@login_required
def staff_open_data(request):
    roles.require(request.user, roles.MINISTRY_REVIEWER, roles.ADMINISTRATOR)
    reports = DataReport.objects.select_related("vote", "decided_by")[:200]
    return render(request, "arena/staff_open_data.html", {"reports": reports})


@login_required
@require_POST
def staff_open_data_decide(request, report_id: int):
    roles.require(request.user, roles.MINISTRY_REVIEWER, roles.ADMINISTRATOR)
    report = get_object_or_404(DataReport, pk=report_id)
    form = ReportDecisionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("조치와 처리 결과(5자 이상)를 입력해 주세요. 아무것도 바뀌지 않았습니다."))
        return redirect("staff:open_data")
    try:
        open_data.data_report_decide(
            report=report,
            reviewer=request.user,
            redact_row=form.cleaned_data["action"] == "redact",
            note=form.cleaned_data["note"],
        )
    except open_data.ReportInvalid as error:
        messages.error(request, error.message)
        return redirect("staff:open_data")
    messages.success(request, _("신고 %(r)s을(를) 처리하고 감사 기록에 남겼습니다.") % {"r": report.receipt})
    return redirect("staff:open_data")
