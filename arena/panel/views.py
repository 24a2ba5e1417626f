"""The panel's pages: verify the person (a form or an identity provider), ask the quota questions the
provider did not answer, give a seat or say plainly why not, and show a member their part."""

import logging

from django import forms
from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from arena.consent import CONSENT_VERSION, SESSION_CONSENT, SESSION_VOTER, session_voter, voter_pseudonym
from arena.models import ModelEndpoint, PanelMember
from arena.panel import services as panel
from arena.panel.reasons import CRITERIA, reason_counts
from core.verification import VerificationFailed, VerifiedPerson, provider

logger = logging.getLogger("arena.panel")

SESSION_PERSON = "panel_person"
SESSION_PENDING = "panel_oidc_pending"
SESSION_INVITATION = "panel_invitation"
QUOTA_FIELDS = ("gender", "region", "proficiency")


class EnrolForm(forms.ModelForm):
    invitation_code = forms.CharField(
        label=gettext_lazy("초대 코드 (있는 경우)"),
        required=False,
        max_length=20,
        help_text=gettext_lazy("기관이나 운영 사무국에서 받은 코드입니다. 없으면 비워 두세요."),
    )
    access_conditions = forms.MultipleChoiceField(
        label=gettext_lazy("디지털 서비스를 쓰기 어려운 점 (선택)"),
        required=False,
        choices=list(panel.ACCESS_CONDITIONS.items()),
        widget=forms.CheckboxSelectMultiple,
    )
    access_supports = forms.MultipleChoiceField(
        label=gettext_lazy("평가에 필요한 지원 (선택)"),
        required=False,
        choices=list(panel.ACCESS_SUPPORTS.items()),
        widget=forms.CheckboxSelectMultiple,
    )
    access_consent = forms.BooleanField(
        label=gettext_lazy(
            "위에 적은 디지털 이용 어려움과 지원 정보(민감정보일 수 있음)를 지원 제공과 좌석 배정에만 쓰는 데 "
            "따로 동의합니다. 동의하지 않아도 등록할 수 있습니다."
        ),
        required=False,
    )
    consent = forms.BooleanField(
        label=gettext_lazy(
            "국민평가단 참여와 아래 정보의 수집·이용에 동의합니다 (성별, 지역, 연령대, AI 활용 수준)."
        ),
        required=True,
    )

    class Meta:
        model = PanelMember
        fields = list(QUOTA_FIELDS)
        widgets = dict.fromkeys(QUOTA_FIELDS, forms.RadioSelect)

    def __init__(self, *args, verified: dict | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        # What the identity provider verified is not asked again (and cannot be misstated).
        for name in verified or {}:
            self.fields.pop(name, None)

    def clean(self):
        data = super().clean()
        declared = data.get("access_conditions") or data.get("access_supports")
        if declared and not data.get("access_consent"):
            self.add_error(
                "access_consent",
                _(
                    "디지털 이용 어려움이나 지원을 고르셨다면 따로 동의해 주세요. 원하지 않으면 선택을 비워 두세요."
                ),
            )
        return data


def _refused(request, message: str, status: int):
    return render(request, "arena/panel_refused.html", {"message": message}, status=status)


@require_GET
def panel_home(request):
    """A member's own page: their seat, the fixed criteria, the support offered, their contribution."""
    member = panel.panel_member_for(session_voter(request.session))
    if member is None:
        return redirect("arena:panel_verify")
    return render(
        request,
        "arena/panel_home.html",
        {
            "member": member,
            "contribution": panel.member_contribution(member),
            "criteria": CRITERIA.values(),
            "supports": [
                panel.ACCESS_SUPPORTS[s] for s in member.access_supports if s in panel.ACCESS_SUPPORTS
            ],
            "conditions": [
                panel.ACCESS_CONDITIONS[c] for c in member.access_conditions if c in panel.ACCESS_CONDITIONS
            ],
        },
    )


def panel_verify(request):
    campaign = panel.active_campaign()
    if request.GET.get("code"):
        request.session[SESSION_INVITATION] = request.GET["code"][:20]
    verifier = provider()
    if verifier.redirect:
        response = render(
            request,
            "arena/panel_verify.html",
            {"campaign": campaign, "provider": verifier, "methods": verifier.methods()},
        )
        # The buttons POST here and are redirected to the provider: allow exactly those origins.
        response._csp_update = {"form-action": verifier.form_origins()}
        return response
    form = verifier.form_class(request.POST or None)
    if request.method == "POST" and form.is_valid():
        return _verified(request, campaign, verifier.verify(form))
    return render(
        request, "arena/panel_verify.html", {"form": form, "campaign": campaign, "provider": verifier}
    )


def _callback_uri(request, name: str) -> str:
    return request.build_absolute_uri(reverse("arena:panel_oidc_callback", args=[name]))


@require_POST
def panel_oidc_start(request, name: str):
    """Leave for the identity provider, keeping state, nonce and the PKCE verifier in the session."""
    verifier = provider()
    if not verifier.redirect:
        return _refused(request, _("알 수 없는 본인확인 방법입니다."), 404)
    try:
        url, pending = verifier.start(name, redirect_uri=_callback_uri(request, name))
    except VerificationFailed as failure:
        return _refused(request, failure.message, failure.status)
    request.session[SESSION_PENDING] = pending
    return redirect(url)


@require_GET
def panel_oidc_callback(request, name: str):
    """Back from the identity provider. The pending request is consumed whatever happens next."""
    verifier = provider()
    if not verifier.redirect:
        return _refused(request, _("알 수 없는 본인확인 방법입니다."), 404)
    pending = request.session.pop(SESSION_PENDING, None)
    try:
        person = verifier.complete(
            name, pending=pending, params=request.GET, redirect_uri=_callback_uri(request, name)
        )
    except VerificationFailed as failure:
        return _refused(request, failure.message, failure.status)
    return _verified(request, panel.active_campaign(), person)


def _verified(request, campaign, person: VerifiedPerson):
    """What every provider leads to: the age rule, one seat per person, then the quota questions."""
    if campaign is None:
        return _refused(request, _("지금 모집 중인 국민평가단이 없습니다."), 409)
    try:
        band = panel.check_age(person.birth_date)
    except panel.PanelRefused as refusal:
        return _refused(request, refusal.message, 403)
    hashed = panel.person_hash(campaign, person)
    if PanelMember.objects.filter(campaign=campaign, person_hash=hashed).exists():
        return _already_enrolled(request, campaign, hashed)
    request.session.cycle_key()  # a new identity in this browser: a new session key
    request.session[SESSION_PERSON] = {"hash": hashed, "age_band": band, "verified": dict(person.attributes)}
    return redirect("arena:panel_enrol")


def _already_enrolled(request, campaign, hashed: str):
    _seat_session(request, campaign, hashed)
    messages.info(request, panel.already_enrolled_message())
    return redirect("arena:panel_home")


def panel_enrol(request):
    campaign = panel.active_campaign()
    person = request.session.get(SESSION_PERSON)
    if not person or campaign is None:
        return redirect("arena:panel_verify")
    verified = person.get("verified", {})
    initial = {"invitation_code": request.session.get(SESSION_INVITATION, "")}
    form = EnrolForm(request.POST or None, verified=verified, initial=initial)
    if request.method == "POST" and form.is_valid():
        answers = {k: form.cleaned_data[k] for k in QUOTA_FIELDS if k in form.cleaned_data} | verified
        answers["age_band"] = person["age_band"]
        token = panel.voter_token(campaign, person["hash"])
        consented = form.cleaned_data["access_consent"]
        try:
            panel.panel_enrol(
                campaign=campaign,
                hashed_person=person["hash"],
                voter=voter_pseudonym(token),
                answers=answers,
                invitation_code=form.cleaned_data["invitation_code"],
                access_conditions=form.cleaned_data["access_conditions"] if consented else (),
                access_supports=form.cleaned_data["access_supports"] if consented else (),
            )
        except panel.AlreadyEnrolled:
            del request.session[SESSION_PERSON]
            return _already_enrolled(request, campaign, person["hash"])
        except panel.PanelRefused as refusal:
            return _refused(request, refusal.message, 409)
        _seat_session(request, campaign, person["hash"])
        request.session.pop(SESSION_PERSON, None)
        request.session.pop(SESSION_INVITATION, None)
        messages.success(
            request, _("국민평가단에 등록되었습니다. 이제부터의 투표는 국민평가단 순위에 반영됩니다.")
        )
        return redirect("arena:panel_home")
    labels = {"gender": PanelMember.Gender, "region": PanelMember.Region}
    shown = [(PanelMember._meta.get_field(k).verbose_name, labels[k](v).label) for k, v in verified.items()]
    return render(
        request,
        "arena/panel_enrol.html",
        {
            "form": form,
            "campaign": campaign,
            "verified": shown,
            "age_band": PanelMember.AgeBand(person["age_band"]).label,
        },
    )


def _seat_session(request, campaign, hashed_person: str) -> None:
    request.session.cycle_key()
    request.session[SESSION_VOTER] = panel.voter_token(campaign, hashed_person)
    request.session[SESSION_CONSENT] = CONSENT_VERSION


@require_GET
def panel_cells(request):
    """Who the panel board speaks for: each quota cell's target and how far enrolment has come. Counts
    only; the support members asked for stays on the staff page (in a small cell it could identify).
    A fragment of the leaderboard's panel view, and a page of its own without JavaScript."""
    campaign = panel.active_campaign()
    labels = {
        "gender": dict(PanelMember.Gender.choices),
        "region": dict(PanelMember.Region.choices),
        "age_band": dict(PanelMember.AgeBand.choices),
        "proficiency": dict(PanelMember.Proficiency.choices),
    }
    cells = panel.cell_progress(campaign, labels) if campaign else []
    template = "arena/partials/panel_cells.html" if request.htmx else "arena/panel_cells.html"
    return render(request, template, {"panel_cells": cells})


@require_GET
def model_reasons(request, endpoint_id: int):
    """How often citizens gave each one-tap reason about one model: a fragment of the model's page
    (ratings may not import the panel's reasons, so the page asks for it)."""
    endpoint = get_object_or_404(ModelEndpoint.objects.select_related("team"), pk=endpoint_id)
    context = {"endpoint": endpoint, "groups": reason_counts(endpoint)}
    template = "arena/partials/model_reasons.html" if request.htmx else "arena/model_reasons.html"
    return render(request, template, context)
