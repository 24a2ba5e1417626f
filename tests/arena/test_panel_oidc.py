"""The panel's OpenID Connect relying party against a real provider process (tests/oidc_provider.py)
that misbehaves on request. Every bad case must enrol nobody, say what happened in Korean, and log
the reason without the token."""

import logging
from urllib.parse import parse_qsl, urlsplit

import httpx
import pytest
from django.utils import timezone

from arena.consent import session_voter
from arena.models import PanelMember

pytestmark = pytest.mark.django_db


def leave_for_provider(client, name="testid"):
    """Press the provider's button: the portal answers with a redirect to its authorization endpoint."""
    response = client.post(f"/arena/panel/verify/{name}/")
    assert response.status_code == 302, response.content.decode()
    return response["Location"]


def approve_at_provider(authorize_url: str, decision: str = "approve") -> str:
    """What the citizen does at the provider: open its page, press 인증하기. Returns the callback URL."""
    page = httpx.get(authorize_url, timeout=5)
    assert page.status_code == 200 and "시험용 본인확인 기관" in page.text
    issuer = authorize_url.split("/authorize")[0]
    params = dict(parse_qsl(urlsplit(authorize_url).query)) | {"decision": decision}
    back = httpx.post(issuer + "/authorize", data=params, timeout=5)
    assert back.status_code == 302
    return back.headers["location"]


def come_back(client, callback_url: str, **replace):
    parts = urlsplit(callback_url)
    query = dict(parse_qsl(parts.query)) | replace
    query = {k: v for k, v in query.items() if v is not None}
    return client.get(parts.path, query)


def verify(client, **replace):
    return come_back(client, approve_at_provider(leave_for_provider(client)), **replace)


def enrol(client, **answers):
    return client.post("/arena/panel/enrol/", {"proficiency": "novice", "consent": "on", **answers})


def test_the_verify_page_lets_its_forms_lead_to_the_provider_and_nowhere_else(client, oidc_provider):
    policy = client.get("/arena/panel/")["Content-Security-Policy"]
    form_action = next(d for d in policy.split(";") if d.strip().startswith("form-action"))
    assert form_action.split() == ["form-action", "'self'", oidc_provider.issuer]


def test_the_authorization_request_carries_pkce_state_nonce_and_no_secret(client, oidc_provider):
    url = leave_for_provider(client)
    query = dict(parse_qsl(urlsplit(url).query))
    assert url.startswith(oidc_provider.issuer + "/authorize?")
    assert query["response_type"] == "code" and query["code_challenge_method"] == "S256"
    assert len(query["state"]) >= 32 and len(query["nonce"]) >= 32 and len(query["code_challenge"]) == 43
    assert query["scope"].split()[0] == "openid"
    pending = client.session["panel_oidc_pending"]
    assert pending["state"] == query["state"] and pending["verifier"] not in url
    assert "client_secret" not in url and "test-client-secret" not in url


def test_a_citizen_verifies_and_enrols_with_the_provider_attributes(client, oidc_provider, caplog):
    response = verify(client)
    assert response.status_code == 302 and response["Location"] == "/arena/panel/enrol/"
    page = client.get("/arena/panel/enrol/").content.decode()
    # Gender and region came verified from the provider: shown, not asked.
    assert 'data-testid="verified-facts"' in page and "수도권" in page
    assert 'name="gender"' not in page and 'name="region"' not in page
    response = enrol(client, gender="male", region="non_capital")  # tampering with verified fields
    assert response.status_code == 302
    member = PanelMember.objects.get()
    assert (member.gender, member.region, member.age_band, member.proficiency) == (
        "female",
        "capital",
        "40s",
        "novice",
    )
    assert session_voter(client.session) == member.voter
    stored = " ".join(str(v) for v in PanelMember.objects.values().get().values())
    assert "CI-sample-0001" not in stored
    # Nothing of the flow is left in the session: no token, no verifier, no pending request.
    assert "panel_oidc_pending" not in client.session and "panel_person" not in client.session
    assert not any("eyJ" in r.getMessage() for r in caplog.records)


def test_an_enrolled_person_is_refused_a_second_seat_plainly(client, oidc_provider):
    verify(client)
    enrol(client)
    other = client.__class__()
    response = verify(other)
    assert response.status_code == 302 and response["Location"] == "/arena/panel/me/"
    page = other.get("/arena/panel/me/").content.decode()
    assert "이미 이 캠페인의 국민평가단원입니다" in page
    assert PanelMember.objects.count() == 1
    assert session_voter(other.session) == PanelMember.objects.get().voter


def test_under_14_from_the_provider_is_refused(client, oidc_provider, person_claims):
    today = timezone.localdate()
    oidc_provider.behave("good", **person_claims(birthdate=today.replace(year=today.year - 13).isoformat()))
    response = verify(client)
    assert response.status_code == 403 and "법정대리인" in response.content.decode()
    assert PanelMember.objects.count() == 0 and "panel_person" not in client.session


def test_a_birth_year_alone_counts_as_the_youngest_possible_age(client, oidc_provider, person_claims):
    # Born "this year minus 14": 13 or 14 today depending on the day. The portal cannot tell: refused.
    year = str(timezone.localdate().year - 14)
    oidc_provider.behave("good", **person_claims(birthdate=year))
    assert verify(client).status_code == 403


BAD_TOKENS = [
    ("forged_signature", "전자서명", "bad_signature"),
    ("expired", "유효 시간이 지났습니다", "expired"),
    ("replayed_nonce", "재사용된 결과", "nonce_mismatch"),
    ("wrong_audience", "이 포털을 위해 발급된 것이 아니어서", "wrong_audience"),
    ("wrong_issuer", "이 포털을 위해 발급된 것이 아니어서", "wrong_issuer"),
    ("missing_identifier", "본인 식별값을 보내지 않아", "missing_identifier"),
    ("wrong_type", "형식이 올바르지 않아", "wrong_type"),
]


@pytest.mark.parametrize(("mode", "message", "reason"), BAD_TOKENS)
def test_a_bad_id_token_enrols_nobody_and_says_why(
    client, oidc_provider, person_claims, caplog, mode, message, reason
):
    if mode == "replayed_nonce":
        verify(client.__class__())  # an earlier login whose nonce the provider will replay
    oidc_provider.behave(mode, **person_claims())
    with caplog.at_level(logging.WARNING, logger="core.oidc"):
        response = verify(client)
    html = response.content.decode()
    assert response.status_code == 400 and message in html and 'role="alert"' in html
    assert PanelMember.objects.count() == 0 and "panel_person" not in client.session
    logged = "\n".join(r.getMessage() for r in caplog.records if r.name == "core.oidc")
    assert f"reason={reason}" in logged
    assert "eyJ" not in logged and "CI-sample" not in logged  # neither the token nor a claim value


def test_a_claim_of_the_wrong_type_is_refused_not_coerced(client, oidc_provider, person_claims):
    oidc_provider.behave("good", **person_claims(birthdate=19800101))
    response = verify(client)
    assert response.status_code == 400 and "형식이 올바르지 않아" in response.content.decode()
    assert PanelMember.objects.count() == 0


def test_a_callback_without_state_or_with_another_state_is_refused(client, oidc_provider, caplog):
    callback = approve_at_provider(leave_for_provider(client))
    redeemed_before = oidc_provider.token_requests()
    with caplog.at_level(logging.WARNING, logger="core.oidc"):
        missing = come_back(client, callback, state=None)
    assert missing.status_code == 400 and "맞지 않아" in missing.content.decode()
    # The pending request was consumed: even the genuine callback now finds nothing to match.
    again = come_back(client, callback)
    assert again.status_code == 400 and "찾을 수 없습니다" in again.content.decode()
    other = client.__class__()
    wrong = come_back(other, approve_at_provider(leave_for_provider(other)), state="forged-state-value")
    assert wrong.status_code == 400
    assert PanelMember.objects.count() == 0
    assert "reason=state_mismatch" in caplog.text and "reason=no_pending_request" in caplog.text
    # Refused before the code was ever redeemed: the provider saw no token request.
    assert oidc_provider.token_requests() == redeemed_before


def test_a_callback_replayed_in_another_browser_finds_no_request(client, oidc_provider):
    callback = approve_at_provider(leave_for_provider(client))
    attacker = client.__class__()
    response = come_back(attacker, callback)
    assert response.status_code == 400 and "이 브라우저에서 시작한" in response.content.decode()
    assert PanelMember.objects.count() == 0


def test_a_tampered_code_is_refused_by_the_provider(client, oidc_provider, caplog):
    callback = approve_at_provider(leave_for_provider(client))
    code = dict(parse_qsl(urlsplit(callback).query))["code"]
    with caplog.at_level(logging.WARNING, logger="core.oidc"):
        response = come_back(client, callback, code=code[:-2] + "xx")
    assert response.status_code == 400 and "확인해 주지 않았습니다" in response.content.decode()
    assert "reason=code_rejected" in caplog.text and code not in caplog.text
    assert PanelMember.objects.count() == 0


def test_the_citizen_cancelling_at_the_provider_is_said_plainly(client, oidc_provider):
    response = come_back(client, approve_at_provider(leave_for_provider(client), decision="deny"))
    assert response.status_code == 400 and "취소되었습니다" in response.content.decode()


def test_an_unknown_provider_name_is_refused(client, oidc_provider, caplog):
    with caplog.at_level(logging.WARNING, logger="core.oidc"):
        start = client.post("/arena/panel/verify/nosuch/")
        back = client.get("/arena/panel/verify/nosuch/callback/", {"code": "x", "state": "y"})
    assert start.status_code == 404 and back.status_code == 404
    assert "알 수 없는 본인확인 방법" in start.content.decode()
    assert "reason=unknown_provider" in caplog.text and PanelMember.objects.count() == 0


def test_the_provider_erroring_at_the_token_endpoint(client, oidc_provider, person_claims):
    callback = approve_at_provider(leave_for_provider(client))
    oidc_provider.behave("token_error", **person_claims())
    response = come_back(client, callback)
    assert response.status_code == 503 and "연결할 수 없습니다" in response.content.decode()
    assert PanelMember.objects.count() == 0


def test_the_provider_down_is_said_plainly(client, settings, monkeypatch):
    from tests.conftest import OIDCProviderProcess

    provider = OIDCProviderProcess()
    monkeypatch.setenv("TEST_OIDC_CLIENT_SECRET", "x")
    settings.ARENA_VERIFICATION_PROVIDER = "core.oidc.OIDCVerification"
    settings.ARENA_OIDC_PROVIDERS = [provider.settings_entry()]
    callback = approve_at_provider(leave_for_provider(client))
    provider.stop()  # down between the citizen's approval and the portal's token request
    response = come_back(client, callback)
    assert response.status_code == 503 and "연결할 수 없습니다" in response.content.decode()
    # And down before anyone starts: the button says so too, with nothing kept in the session.
    from django.core.cache import cache

    cache.clear()
    fresh = client.__class__()
    start = fresh.post("/arena/panel/verify/testid/")
    assert start.status_code == 503 and "panel_oidc_pending" not in fresh.session
    assert PanelMember.objects.count() == 0


def test_a_stale_pending_request_is_refused(client, oidc_provider):
    callback = approve_at_provider(leave_for_provider(client))
    session = client.session
    session["panel_oidc_pending"]["at"] -= 3600
    session.save()
    response = come_back(client, callback)
    assert response.status_code == 400 and "시간이 지났습니다" in response.content.decode()


def test_production_refuses_a_provider_without_its_secret(settings, monkeypatch, oidc_provider):
    from core.oidc import oidc_settings_check

    settings.DEBUG = True
    assert oidc_settings_check(None) == []
    monkeypatch.delenv("TEST_OIDC_CLIENT_SECRET")
    settings.DEBUG = False
    ids = {e.id for e in oidc_settings_check(None)}
    assert ids == {"portal.E012", "portal.E013"}  # no secret; an http issuer outside DEBUG
    settings.ARENA_OIDC_PROVIDERS = "[{not json"
    assert {e.id for e in oidc_settings_check(None)} == {"portal.E010"}


def test_the_development_provider_is_still_refused_in_production(settings):
    from portal.checks import production_settings_check

    settings.DEBUG = False
    assert "portal.E004" in {e.id for e in production_settings_check(None)}
    settings.ARENA_VERIFICATION_PROVIDER = "core.oidc.OIDCVerification"
    assert "portal.E004" not in {e.id for e in production_settings_check(None)}


def test_between_verification_and_enrolment_the_session_keeps_no_birth_date_or_identifier(
    client, oidc_provider
):
    verify(client)
    person = client.session["panel_person"]
    assert set(person) == {"hash", "age_band", "verified"}
    assert person["verified"] == {"gender": "female", "region": "capital"}
    assert "CI-sample" not in str(dict(client.session))
