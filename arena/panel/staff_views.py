"""Staff pages of the citizen panel: cells against their targets and invitation codes. The panel-expert
agreement is the evaluation app's (an htmx fragment); the open-data queue is the ratings context's."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from arena.models import PanelCell, PanelMember
from arena.panel import services as panel
from core import roles

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
            "support_labels": panel.ACCESS_SUPPORTS,
            "dimension_labels": {
                "gender": PanelMember._meta.get_field("gender").verbose_name,
                "region": PanelMember._meta.get_field("region").verbose_name,
                "age_band": PanelMember._meta.get_field("age_band").verbose_name,
                "proficiency": PanelMember._meta.get_field("proficiency").verbose_name,
                "cell": _("별도 좌석"),
            },
        }
    return render(request, "arena/staff_panel.html", context)


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
        "arena/staff_panel_codes.html",
        {"codes": codes, "cell": cell, "campaign": campaign, "verify_url": verify_url, **form.cleaned_data},
    )
