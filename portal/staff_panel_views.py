"""Staff pages of the citizen panel and of open-data hygiene: cells against their targets, invitation
codes, panel-expert agreement, and the queue of sensitive-data reports."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from arena import open_data, panel
from arena.models import DataReport, PanelCell, PanelMember
from portal import roles
from portal.evaluation.panel_agreement import panel_expert_agreement

GENERAL = "general"


def _require_reviewer(request) -> None:
    roles.require(request.user, roles.MINISTRY_REVIEWER, roles.ADMINISTRATOR)


def cell_labels() -> dict[str, dict[str, str]]:
    return {
        "gender": dict(PanelMember.Gender.choices),
        "region": dict(PanelMember.Region.choices),
        "age_band": dict(PanelMember.AgeBand.choices),
        "proficiency": dict(PanelMember.Proficiency.choices),
    }


class InvitationForm(forms.Form):
    cell = forms.CharField(max_length=40)
    count = forms.IntegerField(min_value=1, max_value=500, initial=10)
    max_uses = forms.IntegerField(min_value=1, max_value=1000, initial=1)
    days = forms.IntegerField(min_value=1, max_value=366, initial=30)
    label = forms.CharField(max_length=200, required=False)


@login_required
def staff_panel(request):
    _require_reviewer(request)
    campaign = panel.active_campaign()
    context = {"campaign": campaign, "invitation_form": InvitationForm()}
    if campaign is not None:
        rows = panel.cell_progress(campaign, cell_labels())
        context |= {
            "rows": rows,
            "members": campaign.members.count(),
            "targets": campaign.seats + sum(c.seats for c in campaign.cells.all()),
            "cells": campaign.cells.all(),
            "agreement": panel_expert_agreement(campaign),
            "support_labels": panel.ACCESS_SUPPORTS,
            "dimension_labels": {
                "gender": PanelMember._meta.get_field("gender").verbose_name,
                "region": PanelMember._meta.get_field("region").verbose_name,
                "age_band": PanelMember._meta.get_field("age_band").verbose_name,
                "proficiency": PanelMember._meta.get_field("proficiency").verbose_name,
                "cell": _("별도 좌석"),
            },
        }
    return render(request, "portal/staff_panel.html", context)


@login_required
@require_POST
def staff_panel_invitations(request):
    """Create invitation codes for a cell and show them once."""
    _require_reviewer(request)
    campaign = panel.active_campaign()
    form = InvitationForm(request.POST)
    if campaign is None or not form.is_valid():
        messages.error(
            request, _("초대 코드 수, 사용 횟수, 유효 기간을 확인해 주세요. 아무것도 만들지 않았습니다.")
        )
        return redirect("staff:panel")
    key = form.cleaned_data["cell"]
    cell = None if key == GENERAL else PanelCell.objects.filter(campaign=campaign, key=key).first()
    if key != GENERAL and cell is None:
        messages.error(request, _("알 수 없는 모집 칸입니다. 아무것도 만들지 않았습니다."))
        return redirect("staff:panel")
    try:
        codes = panel.invitations_create(
            campaign=campaign,
            cell=cell,
            count=form.cleaned_data["count"],
            label=form.cleaned_data["label"],
            max_uses=form.cleaned_data["max_uses"],
            days=form.cleaned_data["days"],
            actor=request.user,
        )
    except panel.PanelRefused as refusal:
        messages.error(request, refusal.message)
        return redirect("staff:panel")
    verify_url = request.build_absolute_uri("/arena/panel/")
    return render(
        request,
        "portal/staff_panel_codes.html",
        {"codes": codes, "cell": cell, "campaign": campaign, "verify_url": verify_url, **form.cleaned_data},
    )


class ReportDecisionForm(forms.Form):
    action = forms.ChoiceField(choices=[("redact", "redact"), ("decline", "decline")])
    note = forms.CharField(min_length=5, max_length=4000, strip=True)


@login_required
def staff_open_data(request):
    _require_reviewer(request)
    reports = DataReport.objects.select_related("vote", "decided_by")[:200]
    return render(request, "portal/staff_open_data.html", {"reports": reports})


@login_required
@require_POST
def staff_open_data_decide(request, report_id: int):
    _require_reviewer(request)
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
