import json
import logging

from django import forms
from django.conf import settings
from django.contrib import messages
from django.db import DatabaseError
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from arena import model_cards
from arena.battles import events, selectors, services
from arena.battles.forms import VoteForm, VoteTagForm
from arena.consent import consent_give, consent_withdraw, session_voter
from arena.errors import ArenaError, BattleNotVotable
from arena.models import VoterProfile
from arena.panel import services as panel
from arena.panel import sessions
from arena.panel.reasons import CRITERIA, ReasonInvalid, reason_clean, tag_clean, tag_groups
from arena.safety import limits, redaction
from arena.safety.limits import LimitExceeded

log = logging.getLogger(__name__)


@require_GET
def battle(request):
    if session_voter(request.session) is None:
        return render(request, "arena/consent.html", {"profile_form": ProfileForm()})
    return render(
        request,
        "arena/battle.html",
        {
            "max_turns": settings.ARENA_MAX_TURNS,
            "max_chars": settings.ARENA_MAX_PROMPT_CHARS,
            "stall_seconds": settings.ARENA_STALL_SECONDS,
            "min_vote_seconds": settings.ARENA_MIN_SECONDS_TO_VOTE,
            "arena_messages": _arena_messages(),
            "arena_protocol": events.protocol(),
            # A panel member's session shows the fixed criteria and asks for a reason with the vote.
            "panel_member": panel.panel_member_for(session_voter(request.session)),
            "criteria": list(CRITERIA.items()),
        },
    )


@require_POST
def prompt_preview(request):
    """What would be masked in a prompt, before it is sent: the prompt in segments, each masked one
    with its kind. Nothing is stored or sent on; the turn redacts again on send (the server decides)."""
    if session_voter(request.session) is None:
        return JsonResponse({"error": _("참여 동의가 필요합니다.")}, status=403)
    try:
        text = json.loads(request.body or b"{}").get("text")
    except (ValueError, AttributeError):
        text = None
    if not isinstance(text, str) or len(text) > settings.ARENA_MAX_PROMPT_CHARS * 2:
        return JsonResponse({"error": _("알 수 없는 요청입니다.")}, status=400)
    return JsonResponse(redaction.preview(text))


def _arena_messages() -> dict[str, str]:
    """What the battle script announces through the status region, translated server-side."""
    return {
        "started": _("두 모델이 답변을 작성하고 있습니다."),
        "sideDoneA": _("모델 A의 답변이 끝났습니다."),
        "sideDoneB": _("모델 B의 답변이 끝났습니다."),
        "votable": _("두 답변이 모두 끝났습니다. 투표하거나 이어서 질문할 수 있습니다."),
        "votableLast": _("두 답변이 모두 끝났습니다. 질문 횟수를 모두 사용했으니 투표해 주세요."),
        "failed": _("한쪽 모델이 답하지 못해 이 대결은 투표할 수 없습니다. 새 대결을 시작해 주세요."),
        "disconnected": _("서버와 연결이 끊겼습니다. 새 대결을 시작해 주세요."),
        "disconnectedIdle": _(
            "서버와 연결이 끊겨 이 대결에는 더 질문할 수 없습니다. 지금까지의 답변으로 투표하거나 새 대결을 시작해 주세요."
        ),
        "disconnectedVotable": _(
            "서버와 연결이 끊겨 마지막 질문의 답변은 멈췄습니다. 앞서 끝난 답변으로 투표할 수 있습니다."
        ),
        "empty": _("질문을 입력해 주세요."),
        "tooLong": _("질문이 너무 깁니다."),
        "masked": _("개인정보로 보이는 내용을 가린 뒤 보냈습니다:"),
        "identityMasked": _(
            "모델 이름이 드러나는 부분을 가렸습니다. 이 대결의 투표는 기록되지만 순위에는 반영되지 않습니다."
        ),
        "previewFound": _("개인정보로 보이는 내용을 찾았습니다. 가릴 부분을 확인한 뒤 보내거나 고쳐 주세요."),
        "previewMaskedAs": _("가릴 부분, 종류:"),
        "previewSummary": _("가릴 내용:"),
        "previewCount": _("%(kind)s %(n)s건"),
        "previewCancelled": _("질문을 보내지 않았습니다."),
        "sideLabelA": _("모델 A"),
        "sideLabelB": _("모델 B"),
        # Each side's state, shown in its pane; the changes are announced once through the status.
        "state_waiting": _("답변을 기다리는 중"),
        "state_thinking": _("답하기 전에 생각하는 중"),
        "state_streaming": _("답변을 쓰는 중"),
        "state_done": _("답변 끝"),
        "state_failed": _("답하지 못함"),
        "state_stopped": _("안전 기준에 따라 멈춤"),
        "stateStalled": _("아직 기다리는 중, %(n)s초"),
        "thinking": _("%(side)s가 답하기 전에 생각하고 있습니다."),
        "stalled": _("%(side)s의 답변이 늦어지고 있습니다. 계속 기다립니다."),
        "sideFailed": _("%(side)s가 답을 끝내지 못했습니다."),
        "readingCue": _("답변을 읽어 주세요. %(n)s초 뒤에 투표할 수 있습니다."),
    }


class ProfileForm(forms.ModelForm):
    """Optional self-reported answers for the post-stratified public board. Every field may be left out;
    a partial answer is not kept."""

    class Meta:
        model = VoterProfile
        fields = ["gender", "region", "age_band", "proficiency"]


@require_POST
def consent(request):
    if session_voter(request.session) is None:
        # A new pseudonym: counted per device and network, so a script cannot mint voters at will.
        try:
            limits.consent_take(limits.client_from_request(request))
        except LimitExceeded as error:
            response = render(
                request,
                "arena/consent.html",
                {"profile_form": ProfileForm(), "limit_message": error.message},
                status=429,
            )
            response["Retry-After"] = str(error.retry_after)
            return response
    consent_give(request.session)
    profile = ProfileForm(request.POST)
    if profile.is_valid():
        services.voter_profile_save(voter=session_voter(request.session), answers=profile.cleaned_data)
    return redirect("arena:battle")


@require_POST
def vote(request):
    form = VoteForm(request.POST)
    voter = session_voter(request.session)
    if not form.is_valid() or voter is None:
        return render(request, "arena/partials/vote_error.html", {"message": None}, status=400)
    battle_id = form.cleaned_data["battle_id"]
    member = panel.panel_member_for(voter)
    try:
        cohort_id = request.session.get(sessions.SESSION_COHORT)
        if member is None:
            services.vote_record(
                battle_id=battle_id,
                voter=voter,
                choice=form.cleaned_data["choice"],
                client=limits.client_from_request(request),
                cohort_id=cohort_id,
            )
        else:
            reason = reason_clean(
                criteria=request.POST.getlist("criteria"), text=request.POST.get("reason", "")
            )
            services.panel_vote_record(
                member=member,
                battle_id=battle_id,
                choice=form.cleaned_data["choice"],
                reason=reason,
                client=limits.client_from_request(request),
                cohort_id=cohort_id,
            )
    except ReasonInvalid as error:
        # The form stays as it is; only the message beside the reason changes.
        response = render(request, "arena/partials/reason_error.html", {"message": error.message}, status=422)
        response["HX-Retarget"] = "#vote-reason-error"
        response["HX-Reswap"] = "innerHTML"
        return response
    except LimitExceeded as error:
        response = render(request, "arena/partials/vote_error.html", {"message": error.message}, status=429)
        response["Retry-After"] = str(error.retry_after)
        return response
    except BattleNotVotable as error:
        return render(request, "arena/partials/vote_error.html", {"message": error.message}, status=409)
    except DatabaseError:
        # The connection dropped mid-vote: the transaction was rolled back whole, so nothing of the
        # vote is stored and trying again is safe (a vote that did commit is returned as it is).
        log.warning("vote not stored: the database connection failed", exc_info=True)
        message = _("투표를 저장하지 못했습니다. 아무것도 기록되지 않았으니 잠시 뒤 다시 투표해 주세요.")
        return render(request, "arena/partials/vote_error.html", {"message": message}, status=503)
    battle_obj = selectors.battle_get_for_voter(battle_id=battle_id, voter=voter)
    if request.htmx:
        return render(request, "arena/partials/reveal.html", _reveal_context(battle_obj) | {"oob": True})
    return redirect("arena:battle_detail", battle_id=battle_id)


@require_GET
def battle_detail(request, battle_id):
    battle_obj = selectors.battle_get_for_voter(battle_id=battle_id, voter=session_voter(request.session))
    return render(request, "arena/battle_detail.html", _reveal_context(battle_obj))


def _reveal_context(battle) -> dict:
    if battle.status != battle.Status.VOTED:
        return {"battle": battle}
    return {
        "battle": battle,
        "not_counted": selectors.vote_not_counted_reason(battle.vote),
        "cards": model_cards.battle_cards(battle),
        "reason_groups": tag_groups(battle.vote),
    }


@require_POST
def vote_tag(request):
    """One tap on a reason after voting: it turns on (or off again) and the button says which."""
    voter = session_voter(request.session)
    form = VoteTagForm(request.POST)
    if voter is None or not form.is_valid():
        return render(request, "arena/partials/vote_error.html", {"message": None}, status=400)
    battle_id, key = form.cleaned_data["battle_id"], form.cleaned_data["tag"]
    try:
        pressed = services.vote_tag_toggle(battle_id=battle_id, voter=voter, tag=key)
    except ArenaError as error:
        return render(request, "arena/partials/vote_error.html", {"message": error.message}, status=409)
    if not request.htmx:
        return redirect("arena:battle_detail", battle_id=battle_id)
    tag = tag_clean(key)
    return render(
        request,
        "arena/partials/reason_chip.html",
        {"battle": {"pk": battle_id}, "tag": tag, "pressed": pressed, "positive": tag.positive},
    )


@require_GET
def privacy(request):
    return render(request, "arena/privacy.html", {"retention_days": settings.ARENA_RETENTION_DAYS})


@require_GET
def my_data(request):
    voter = session_voter(request.session)
    return render(
        request, "arena/my_data.html", selectors.citizen_data(voter=voter) | {"consented": voter is not None}
    )


@require_http_methods(["GET", "POST"])
def my_data_delete(request):
    """GET asks first (what will go, that it cannot be undone; works without script); the POST from
    that page deletes."""
    voter = session_voter(request.session)
    if request.method == "GET":
        if voter is None:
            return redirect("arena:my_data")
        return render(request, "arena/my_data_delete.html", selectors.citizen_data(voter=voter))
    if voter is not None:
        result = services.citizen_data_delete(voter=voter)
        panel.member_access_erase(voter=voter)
        messages.success(
            request,
            _("대화 %(turns)d건을 삭제하고 투표 %(votes)d건을 순위 집계에서 뺐습니다.") % result,
        )
    if request.POST.get("withdraw") == "1":
        consent_withdraw(request.session)
        messages.info(request, _("동의를 철회했습니다. 다시 참여하려면 안내를 읽고 동의해 주세요."))
    return redirect("arena:my_data")
