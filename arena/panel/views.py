"""Panel enrolment: verify the person, ask the quota questions, give a seat or explain why not."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from arena.battles.consent import CONSENT_VERSION, SESSION_CONSENT, SESSION_VOTER
from arena.battles.services import voter_pseudonym
from arena.models import PanelMember
from arena.panel import services as panel
from core import roles
from core.verification import provider

SESSION_PERSON = "panel_person"


class EnrolForm(forms.ModelForm):
    consent = forms.BooleanField(
        label=gettext_lazy(
            "국민평가단 참여와 아래 정보의 수집·이용에 동의합니다 (성별, 지역, 연령대, AI 활용 수준)."
        ),
        required=True,
    )

    class Meta:
        model = PanelMember
        fields = ["gender", "region", "proficiency"]
        widgets = dict.fromkeys(["gender", "region", "proficiency"], forms.RadioSelect)


def panel_verify(request):
    campaign = panel.active_campaign()
    verifier = provider()
    form = verifier.form_class(request.POST or None)
    if request.method == "POST" and form.is_valid():
        person = verifier.verify(form)
        try:
            band = panel.check_age(person.birth_date)
        except panel.PanelRefused as refusal:
            return render(request, "arena/panel_refused.html", {"message": refusal.message}, status=403)
        hashed = panel.person_hash(campaign, person)
        member = PanelMember.objects.filter(campaign=campaign, person_hash=hashed).first()
        if member is not None:
            _seat_session(request, campaign, hashed)
            messages.success(request, _("국민평가단원으로 확인되었습니다."))
            return redirect("arena:battle")
        request.session[SESSION_PERSON] = {"hash": hashed, "age_band": band}
        return redirect("arena:panel_enrol")
    return render(
        request, "arena/panel_verify.html", {"form": form, "campaign": campaign, "provider": verifier}
    )


def panel_enrol(request):
    campaign = panel.active_campaign()
    person = request.session.get(SESSION_PERSON)
    if not person:
        return redirect("arena:panel_verify")
    form = EnrolForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        answers = {k: form.cleaned_data[k] for k in ("gender", "region", "proficiency")}
        answers["age_band"] = person["age_band"]
        token = panel.voter_token(campaign, person["hash"])
        try:
            panel.panel_enrol(
                campaign=campaign, hashed_person=person["hash"], voter=voter_pseudonym(token), answers=answers
            )
        except panel.PanelRefused as refusal:
            return render(request, "arena/panel_refused.html", {"message": refusal.message}, status=409)
        _seat_session(request, campaign, person["hash"])
        del request.session[SESSION_PERSON]
        messages.success(
            request, _("국민평가단에 등록되었습니다. 이제부터의 투표는 국민평가단 순위에 반영됩니다.")
        )
        return redirect("arena:battle")
    return render(request, "arena/panel_enrol.html", {"form": form, "campaign": campaign})


def _seat_session(request, campaign, hashed_person: str) -> None:
    request.session.cycle_key()
    request.session[SESSION_VOTER] = panel.voter_token(campaign, hashed_person)
    request.session[SESSION_CONSENT] = CONSENT_VERSION


@login_required
def staff_panel(request):
    roles.require(request.user, roles.MINISTRY_REVIEWER, roles.ADMINISTRATOR)
    campaign = panel.active_campaign()
    rows = panel.quota_progress(campaign) if campaign else []
    labels = {
        "gender": dict(PanelMember.Gender.choices),
        "region": dict(PanelMember.Region.choices),
        "age_band": dict(PanelMember.AgeBand.choices),
        "proficiency": dict(PanelMember.Proficiency.choices),
    }
    for row in rows:
        row["label"] = labels.get(row["dimension"], {}).get(row["category"], row["category"])
    members = campaign.members.count() if campaign else 0
    return render(request, "arena/staff_panel.html", {"campaign": campaign, "rows": rows, "members": members})
