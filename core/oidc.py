"""OpenID Connect relying party for 본인확인: the citizen signs in at an identity provider and comes back.

Korean identity verification (간편인증 through PASS, Kakao, Naver, banks; the mobile ID) is reached through
OAuth 2.0 / OpenID Connect gateways that return a stable per-person identifier (연계정보 CI) and
attributes. This module is the portal's side of that, built on Authlib's protocol pieces (PKCE, the
authorization and token requests, ID-token claim rules) and joserfc (its JOSE library, for signatures).

What it guarantees:
1. Discovery: metadata from `{issuer}/.well-known/openid-configuration`, whose `issuer` must equal the
   configured one exactly (OpenID Connect Discovery 4.3); cached for an hour with the provider's keys.
2. Authorization code flow with PKCE (S256), a fresh `state` and `nonce` per attempt, kept server-side in
   the citizen's session and consumed by the first callback: a replayed or forged callback finds nothing.
3. The ID token's signature is checked against the provider's published keys (JWKS, fetched again once
   when a token names a key id we have not seen: key rotation), asymmetric algorithms only (RS256,
   PS256, ES256: never `none`, never a shared secret); then `iss`, `aud` (our client id), `exp`, `iat`,
   `nonce` and `at_hash` by Authlib's CodeIDToken rules, with 60 seconds of clock leeway.
4. The client secret is read from the environment variable the settings name, at request time only.
5. Tokens are never stored or logged: the access token and ID token live in local variables for the
   length of one request; the panel keeps only its campaign-salted hash of the person identifier.
6. All HTTP goes through core/outbound.py (timeouts, no redirects, no proxies from the environment).
7. Every refusal raises VerificationFailed with a message for the citizen (Korean, English through
   i18n) and is logged with the provider and a reason code, never with a token, code or claim value.

Settings: ARENA_OIDC_PROVIDERS is a JSON list of objects with
  name (slug in the URL), label (shown on the button), issuer, client_id, client_secret_env,
  scopes (default ["openid"]), auth_method (client_secret_basic | client_secret_post),
  claims: {person, birthdate, birthyear, gender, region} (claim names, dotted for nested objects),
  gender_values ({"F": "female", ...}), identifier_scope ("national" when the identifier is the CI,
  the same at every provider; "provider" (default) when it is only unique at this provider, e.g. `sub`).
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import os
import time
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import httpx
from authlib.common.security import generate_token
from authlib.oauth2.auth import ClientAuth
from authlib.oauth2.rfc6749.parameters import prepare_grant_uri, prepare_token_request
from authlib.oauth2.rfc7636 import create_s256_code_challenge
from authlib.oidc.core import CodeIDToken
from django.conf import settings
from django.core.cache import cache
from django.core.checks import Error, Tags, register
from django.core.exceptions import ImproperlyConfigured
from django.utils import timezone
from django.utils.translation import gettext as _
from joserfc import errors as jose_errors
from joserfc import jwt
from joserfc.jwk import KeySet

from core import outbound
from core.oidc_claims import DEFAULT_GENDER_VALUES, ClaimError, ClaimMap, person_from_claims
from core.verification import VerificationFailed, VerifiedPerson

logger = logging.getLogger("core.oidc")

ALLOWED_ALGORITHMS = ("RS256", "PS256", "ES256")
METADATA_TTL = 3600
PENDING_MAX_AGE = 600  # seconds between leaving for the provider and coming back
CLOCK_LEEWAY = 60
_NAME_CHARS = set("abcdefghijklmnopqrstuvwxyz0123456789-_")


@dataclass(frozen=True)
class ProviderConfig:
    name: str
    label: str
    issuer: str
    client_id: str
    client_secret_env: str
    scopes: tuple[str, ...]
    claims: ClaimMap
    auth_method: str = "client_secret_basic"
    identifier_scope: str = "provider"

    def client_secret(self) -> str:
        secret = os.environ.get(self.client_secret_env, "")
        if not secret:
            raise VerificationFailed(
                "not_configured",
                _("이 본인확인 방법은 지금 쓸 수 없습니다. 다른 방법을 골라 주세요."),
                status=503,
            )
        return secret


def parse_providers(raw: str | list) -> dict[str, ProviderConfig]:
    """The configured providers by name; ImproperlyConfigured names the first mistake."""
    items = json.loads(raw) if isinstance(raw, str) else raw
    if not isinstance(items, list):
        raise ImproperlyConfigured("ARENA_OIDC_PROVIDERS must be a JSON list of provider objects")
    providers: dict[str, ProviderConfig] = {}
    for item in items:
        if not isinstance(item, dict):
            raise ImproperlyConfigured("each ARENA_OIDC_PROVIDERS entry must be an object")
        missing = [k for k in ("name", "issuer", "client_id", "client_secret_env") if not item.get(k)]
        if missing:
            raise ImproperlyConfigured(f"ARENA_OIDC_PROVIDERS entry lacks {', '.join(missing)}")
        name = str(item["name"])
        if not set(name) <= _NAME_CHARS or name in providers:
            raise ImproperlyConfigured(f"ARENA_OIDC_PROVIDERS: bad or repeated name {name!r}")
        claims = item.get("claims", {})
        scopes = tuple(item.get("scopes") or ["openid"])
        if "openid" not in scopes:
            raise ImproperlyConfigured(f"ARENA_OIDC_PROVIDERS {name}: scopes must include openid")
        auth_method = item.get("auth_method", "client_secret_basic")
        if auth_method not in ("client_secret_basic", "client_secret_post"):
            raise ImproperlyConfigured(f"ARENA_OIDC_PROVIDERS {name}: unknown auth_method {auth_method!r}")
        scope = item.get("identifier_scope", "provider")
        if scope not in ("provider", "national"):
            raise ImproperlyConfigured(
                f"ARENA_OIDC_PROVIDERS {name}: identifier_scope is provider or national"
            )
        providers[name] = ProviderConfig(
            name=name,
            label=str(item.get("label") or name),
            issuer=str(item["issuer"]).rstrip("/"),
            client_id=str(item["client_id"]),
            client_secret_env=str(item["client_secret_env"]),
            scopes=scopes,
            claims=ClaimMap(
                person=claims.get("person", "sub"),
                birthdate=claims.get("birthdate", "birthdate"),
                birthyear=claims.get("birthyear"),
                gender=claims.get("gender", "gender"),
                region=claims.get("region"),
                gender_values=item.get("gender_values") or dict(DEFAULT_GENDER_VALUES),
            ),
            auth_method=auth_method,
            identifier_scope=scope,
        )
    return providers


def providers() -> dict[str, ProviderConfig]:
    return parse_providers(settings.ARENA_OIDC_PROVIDERS)


class OIDCVerification:
    """The verification provider behind the panel when identity comes from OpenID Connect providers."""

    name = "oidc"
    is_development = False
    redirect = True

    def methods(self) -> list[ProviderConfig]:
        return list(providers().values())

    def get(self, name: str) -> ProviderConfig:
        config = providers().get(name)
        if config is None:
            _log(name, "unknown_provider")
            raise VerificationFailed("unknown_provider", _("알 수 없는 본인확인 방법입니다."), status=404)
        return config

    def form_origins(self) -> list[str]:
        """Where the verify page's buttons lead: each provider's authorization endpoint origin (the
        page's Content-Security-Policy form-action must allow the redirect that follows the POST).
        Falls back to the issuer's origin when discovery cannot answer; the start then says why."""
        origins = []
        for config in self.methods():
            try:
                url = _metadata(config)["authorization_endpoint"]
            except VerificationFailed:
                url = config.issuer
            parts = urlsplit(url)
            origins.append(f"{parts.scheme}://{parts.netloc}")
        return sorted(set(origins))

    def start(self, name: str, *, redirect_uri: str) -> tuple[str, dict]:
        """The provider's authorization URL, and what the session must keep until the citizen is back."""
        config = self.get(name)
        metadata = _metadata(config)
        state, nonce, verifier = generate_token(32), generate_token(32), generate_token(64)
        url = prepare_grant_uri(
            metadata["authorization_endpoint"],
            client_id=config.client_id,
            response_type="code",
            redirect_uri=redirect_uri,
            scope=" ".join(config.scopes),
            state=state,
            nonce=nonce,
            code_challenge=create_s256_code_challenge(verifier),
            code_challenge_method="S256",
        )
        pending = {"provider": name, "state": state, "nonce": nonce, "verifier": verifier, "at": time.time()}
        return url, pending

    def complete(
        self, name: str, *, pending: Mapping | None, params: Mapping[str, str], redirect_uri: str
    ) -> VerifiedPerson:
        """Check the callback against what `start` kept, redeem the code, verify the ID token."""
        config = self.get(name)
        _check_callback(config, pending, params)
        token = _redeem_code(
            config, code=params["code"], verifier=pending["verifier"], redirect_uri=redirect_uri
        )
        claims = _verified_claims(config, token, nonce=pending["nonce"])
        try:
            person = person_from_claims(claims, config.claims, today=timezone.localdate())
        except ClaimError as error:
            _log(name, error.code, claim=error.claim)
            raise VerificationFailed(error.code, _claim_message(error.code)) from None
        identifier = (
            person.identifier
            if config.identifier_scope == "national"
            else f"{config.issuer}|{person.identifier}"
        )
        return VerifiedPerson(
            stable_id=identifier, birth_date=person.birth_date, attributes=person.attributes
        )


def _check_callback(config: ProviderConfig, pending: Mapping | None, params: Mapping[str, str]) -> None:
    if not pending or pending.get("provider") != config.name:
        _log(config.name, "no_pending_request")
        raise VerificationFailed(
            "no_pending_request",
            _("이 브라우저에서 시작한 본인확인 요청을 찾을 수 없습니다. 처음부터 다시 시도해 주세요."),
        )
    if time.time() - float(pending.get("at", 0)) > PENDING_MAX_AGE:
        _log(config.name, "pending_expired")
        raise VerificationFailed(
            "pending_expired", _("본인확인 시간이 지났습니다. 처음부터 다시 시도해 주세요.")
        )
    if params.get("error"):
        code = "cancelled" if params.get("error") == "access_denied" else "provider_refused"
        _log(config.name, code, provider_error=str(params.get("error"))[:40])
        raise VerificationFailed(
            code,
            _("본인확인이 취소되었습니다. 국민평가단에 등록하려면 다시 시도해 주세요.")
            if code == "cancelled"
            else _("본인확인 기관이 요청을 거절했습니다. 잠시 후 다시 시도해 주세요."),
        )
    state = params.get("state") or ""
    if not hmac.compare_digest(state.encode(), str(pending["state"]).encode()):
        _log(config.name, "state_mismatch")
        raise VerificationFailed(
            "state_mismatch",
            _(
                "본인확인 응답이 이 브라우저의 요청과 맞지 않아 받아들이지 않았습니다. 처음부터 다시 시도해 주세요."
            ),
        )
    if not params.get("code"):
        _log(config.name, "missing_code")
        raise VerificationFailed(
            "missing_code", _("본인확인 기관의 응답에 인증 결과가 없습니다. 다시 시도해 주세요.")
        )


def _client() -> httpx.Client:
    return outbound.sync_client(timeout=settings.ARENA_OIDC_TIMEOUT)


def _unreachable(config: ProviderConfig, code: str, **details) -> VerificationFailed:
    _log(config.name, code, **details)
    return VerificationFailed(
        code,
        _("본인확인 기관에 연결할 수 없습니다. 잠시 후 다시 시도해 주세요. 아무것도 등록되지 않았습니다."),
        status=503,
    )


def _get_json(config: ProviderConfig, url: str, what: str) -> dict:
    try:
        with _client() as client:
            response = client.get(url, headers={"Accept": "application/json"})
    except httpx.HTTPError as error:
        raise _unreachable(config, f"{what}_unreachable", error=type(error).__name__) from None
    if response.status_code != 200:
        raise _unreachable(config, f"{what}_http_{response.status_code}")
    try:
        body = response.json()
    except ValueError:
        body = None
    if not isinstance(body, dict):
        raise _unreachable(config, f"{what}_not_json")
    return body


def _cache_key(config: ProviderConfig, kind: str) -> str:
    return f"oidc:{kind}:{hashlib.sha256(config.issuer.encode()).hexdigest()[:24]}"


def _metadata(config: ProviderConfig) -> dict:
    key = _cache_key(config, "metadata")
    metadata = cache.get(key)
    if metadata is None:
        metadata = _get_json(config, config.issuer + "/.well-known/openid-configuration", "discovery")
        if metadata.get("issuer", "").rstrip("/") != config.issuer:
            raise _unreachable(config, "discovery_issuer_mismatch")
        needed = [k for k in ("authorization_endpoint", "token_endpoint", "jwks_uri") if not metadata.get(k)]
        if needed:
            raise _unreachable(config, "discovery_incomplete")
        methods = metadata.get("code_challenge_methods_supported")
        if methods is not None and "S256" not in methods:
            raise _unreachable(config, "discovery_no_pkce")
        cache.set(key, metadata, METADATA_TTL)
    return metadata


def _key_set(config: ProviderConfig, *, refresh: bool = False) -> KeySet:
    key = _cache_key(config, "jwks")
    jwks = None if refresh else cache.get(key)
    if jwks is None:
        jwks = _get_json(config, _metadata(config)["jwks_uri"], "jwks")
        cache.set(key, jwks, METADATA_TTL)
    try:
        return KeySet.import_key_set(jwks)
    except (jose_errors.JoseError, ValueError, KeyError, TypeError):
        raise _unreachable(config, "jwks_invalid") from None


def _redeem_code(config: ProviderConfig, *, code: str, verifier: str, redirect_uri: str) -> dict:
    metadata = _metadata(config)
    body = prepare_token_request(
        "authorization_code", code=code, redirect_uri=redirect_uri, code_verifier=verifier
    )
    auth = ClientAuth(config.client_id, config.client_secret(), config.auth_method)
    url, headers, body = auth.prepare(
        "POST",
        metadata["token_endpoint"],
        {"Content-Type": "application/x-www-form-urlencoded", "Accept": "application/json"},
        body,
    )
    try:
        with _client() as client:
            response = client.post(url, headers=headers, content=body)
    except httpx.HTTPError as error:
        raise _unreachable(config, "token_unreachable", error=type(error).__name__) from None
    if response.status_code >= 500:
        raise _unreachable(config, f"token_http_{response.status_code}")
    try:
        token = response.json()
    except ValueError:
        token = None
    if response.status_code != 200 or not isinstance(token, dict):
        error = token.get("error") if isinstance(token, dict) else None
        _log(config.name, "code_rejected", status=response.status_code, provider_error=str(error)[:40])
        raise VerificationFailed(
            "code_rejected",
            _("본인확인 기관이 인증 결과를 확인해 주지 않았습니다. 처음부터 다시 시도해 주세요."),
        )
    if not isinstance(token.get("id_token"), str):
        _log(config.name, "no_id_token")
        raise VerificationFailed("no_id_token", _("본인확인 기관이 신원 확인 결과를 보내지 않았습니다."))
    return token


def _verified_claims(config: ProviderConfig, token: Mapping[str, Any], *, nonce: str) -> dict:
    metadata = _metadata(config)
    offered = metadata.get("id_token_signing_alg_values_supported") or ["RS256"]
    algorithms = [a for a in ALLOWED_ALGORITHMS if a in offered]
    try:
        try:
            decoded = jwt.decode(token["id_token"], _key_set(config), algorithms=algorithms)
        except jose_errors.InvalidKeyIdError:
            decoded = jwt.decode(token["id_token"], _key_set(config, refresh=True), algorithms=algorithms)
    except (
        jose_errors.BadSignatureError,
        jose_errors.InvalidKeyIdError,
        jose_errors.MissingKeyError,
    ) as error:
        _log(config.name, "bad_signature", error=type(error).__name__)
        raise VerificationFailed(
            "bad_signature",
            _("본인확인 결과의 전자서명이 본인확인 기관의 것이 아니어서 받아들이지 않았습니다."),
        ) from None
    except (jose_errors.JoseError, ValueError) as error:
        _log(config.name, "malformed_token", error=type(error).__name__)
        raise VerificationFailed(
            "malformed_token", _("본인확인 결과의 형식이 올바르지 않아 받아들이지 않았습니다.")
        ) from None
    claims = CodeIDToken(
        decoded.claims,
        decoded.header,
        {
            "iss": {"essential": True, "value": config.issuer},
            "aud": {"essential": True, "value": config.client_id},
            "exp": {"essential": True},
        },
        {"nonce": nonce, "client_id": config.client_id, "access_token": token.get("access_token")},
    )
    try:
        claims.validate(leeway=CLOCK_LEEWAY)
    except jose_errors.ExpiredTokenError:
        _log(config.name, "expired")
        raise VerificationFailed(
            "expired", _("본인확인 결과의 유효 시간이 지났습니다. 처음부터 다시 시도해 주세요.")
        ) from None
    except jose_errors.ClaimError as error:
        code = {
            "nonce": "nonce_mismatch",
            "aud": "wrong_audience",
            "azp": "wrong_audience",
            "iss": "wrong_issuer",
        }
        reason = code.get(error.claim, "invalid_claims")
        _log(config.name, reason, claim=error.claim)
        raise VerificationFailed(reason, _token_message(reason)) from None
    return dict(claims)


def _token_message(reason: str) -> str:
    if reason == "nonce_mismatch":
        return _(
            "이 본인확인 결과는 이번 요청에 대해 발급된 것이 아닙니다 (재사용된 결과). 처음부터 다시 시도해 주세요."
        )
    if reason in ("wrong_audience", "wrong_issuer"):
        return _("이 본인확인 결과는 이 포털을 위해 발급된 것이 아니어서 받아들이지 않았습니다.")
    return _("본인확인 결과의 내용이 올바르지 않아 받아들이지 않았습니다.")


def _claim_message(code: str) -> str:
    if code == "missing_identifier":
        return _(
            "본인확인 기관이 본인 식별값을 보내지 않아 한 사람이 한 자리만 차지하는지 확인할 수 없습니다."
        )
    if code in ("missing_birth", "bad_birth"):
        return _("본인확인 기관이 생년월일을 보내지 않았거나 올바르지 않아 나이를 확인할 수 없습니다.")
    return _("본인확인 기관이 보낸 정보의 형식이 올바르지 않아 받아들이지 않았습니다.")


def _log(provider: str, code: str, **details) -> None:
    """One line per refusal: the provider and why. Callers pass no token, code, state or claim value."""
    extra = " ".join(f"{k}={v}" for k, v in sorted(details.items()))
    logger.warning("identity verification refused provider=%s reason=%s %s", provider[:40], code, extra)


@register(Tags.security)
def oidc_settings_check(app_configs, **kwargs):
    """Refuse to start with identity providers that cannot work: caught at deploy, not at a citizen's login."""
    if settings.ARENA_VERIFICATION_PROVIDER != "core.oidc.OIDCVerification":
        return []
    try:
        configured = providers()
    except (ImproperlyConfigured, ValueError) as error:
        return [Error(f"ARENA_OIDC_PROVIDERS is not usable: {error}", id="portal.E010")]
    errors = []
    if not configured:
        errors.append(
            Error("OpenID Connect verification is on but ARENA_OIDC_PROVIDERS is empty.", id="portal.E011")
        )
    for config in configured.values():
        if not os.environ.get(config.client_secret_env):
            errors.append(
                Error(
                    f"Identity provider {config.name}: environment variable {config.client_secret_env} is not set.",
                    hint="The client secret is read from the environment, never from settings.",
                    id="portal.E012",
                )
            )
        if not settings.DEBUG and not config.issuer.startswith("https://"):
            errors.append(
                Error(f"Identity provider {config.name}: the issuer must use https.", id="portal.E013")
            )
    return errors
