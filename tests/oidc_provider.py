"""A small OpenID Connect provider for tests, run as its own process: `python -m tests.oidc_provider`.

It speaks the real protocol the portal's relying party speaks to PASS or Kakao gateways: discovery,
JWKS, an authorization page a browser can click through, and a token endpoint that checks the client
secret, the redirect URI, the one-time code and the PKCE verifier before it issues an RS256 ID token.

A test tells it how to misbehave on the next logins (POST /_control {"mode": ..., "claims": {...}}):
  good               a correct ID token with the person's claims
  forged_signature   signed by a key the provider never published, under the published key id
  expired            exp an hour in the past
  replayed_nonce     the nonce of an earlier login instead of this one's
  wrong_audience     aud is another client
  wrong_issuer       iss is another provider
  missing_identifier the person-identifier claim left out
  wrong_type         the person identifier sent as a number
  token_error        the token endpoint answers 500
Stopping the process is "the provider is down". Pure standard library plus joserfc; no Django.
"""

from __future__ import annotations

import argparse
import base64
import contextlib
import hashlib
import hmac
import html
import json
import secrets
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlencode, urlsplit

from joserfc import jwt
from joserfc.jwk import KeySet, RSAKey

CLIENT_ID = "k-ai-portal-test"
CLIENT_SECRET = "test-client-secret-0f9a"
KEY_ID = "test-key-1"


class Provider:
    def __init__(self) -> None:
        self.key = RSAKey.generate_key(2048, parameters={"kid": KEY_ID, "use": "sig", "alg": "RS256"})
        self.forger = RSAKey.generate_key(2048, parameters={"kid": KEY_ID, "use": "sig", "alg": "RS256"})
        self.issuer = ""
        self.mode = "good"
        self.claims: dict = {}
        self.codes: dict[str, dict] = {}
        self.nonces: list[str] = []
        self.token_requests = 0
        self.lock = threading.Lock()

    def jwks(self) -> dict:
        return KeySet([self.key]).as_dict(private=False)

    def id_token(self, grant: dict, access_token: str) -> str:
        now = int(time.time())
        nonce = grant["nonce"]
        if self.mode == "replayed_nonce":
            nonce = self.nonces[0] if len(self.nonces) > 1 else "a-nonce-from-another-login"
        claims = {
            "iss": "https://elsewhere.example" if self.mode == "wrong_issuer" else self.issuer,
            "sub": self.claims.get("sub", "subject-1"),
            "aud": "another-client" if self.mode == "wrong_audience" else grant["client_id"],
            "iat": now - 7200 if self.mode == "expired" else now,
            "exp": now - 3600 if self.mode == "expired" else now + 300,
            "nonce": nonce,
            "at_hash": _half_hash(access_token),
            **{k: v for k, v in self.claims.items() if k != "sub"},
        }
        if self.mode == "missing_identifier":
            claims.pop("ci", None)
        if self.mode == "wrong_type":
            claims["ci"] = 12345678
        key = self.forger if self.mode == "forged_signature" else self.key
        return jwt.encode({"alg": "RS256", "kid": KEY_ID}, claims, key)


def _half_hash(value: str) -> str:
    digest = hashlib.sha256(value.encode()).digest()
    return base64.urlsafe_b64encode(digest[: len(digest) // 2]).rstrip(b"=").decode()


def handler_for(provider: Provider):
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args) -> None:  # quiet: the test output is what matters
            pass

        def _send(self, status: int, body: str | bytes, content_type="application/json", headers=None):
            data = body.encode() if isinstance(body, str) else body
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(data)))
            self.send_header("Cache-Control", "no-store")
            for name, value in (headers or {}).items():
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(data)

        def _json(self, status: int, payload: dict) -> None:
            self._send(status, json.dumps(payload))

        def _form(self) -> dict[str, str]:
            length = int(self.headers.get("Content-Length") or 0)
            raw = self.rfile.read(length).decode()
            if self.headers.get("Content-Type", "").startswith("application/json"):
                return json.loads(raw or "{}")
            return {k: v[0] for k, v in parse_qs(raw).items()}

        def do_GET(self) -> None:
            url = urlsplit(self.path)
            query = {k: v[0] for k, v in parse_qs(url.query).items()}
            if url.path == "/.well-known/openid-configuration":
                issuer = provider.issuer
                return self._json(
                    200,
                    {
                        "issuer": issuer,
                        "authorization_endpoint": issuer + "/authorize",
                        "token_endpoint": issuer + "/token",
                        "jwks_uri": issuer + "/jwks",
                        "response_types_supported": ["code"],
                        "subject_types_supported": ["public"],
                        "id_token_signing_alg_values_supported": ["RS256"],
                        "code_challenge_methods_supported": ["S256"],
                        "token_endpoint_auth_methods_supported": [
                            "client_secret_basic",
                            "client_secret_post",
                        ],
                    },
                )
            if url.path == "/jwks":
                return self._json(200, provider.jwks())
            if url.path == "/authorize":
                return self._authorize_page(query)
            if url.path == "/_state":
                return self._json(200, {"token_requests": provider.token_requests, "mode": provider.mode})
            return self._json(404, {"error": "not_found"})

        def _authorize_page(self, query: dict[str, str]) -> None:
            problems = [
                k
                for k in ("client_id", "redirect_uri", "state", "nonce", "code_challenge")
                if not query.get(k)
            ]
            if query.get("client_id") != CLIENT_ID:
                problems.append("client_id")
            if query.get("response_type") != "code" or query.get("code_challenge_method") != "S256":
                problems.append("response_type/code_challenge_method")
            if "openid" not in query.get("scope", "").split():
                problems.append("scope")
            if problems:
                return self._send(400, "bad request: " + ", ".join(problems), "text/plain; charset=utf-8")
            hidden = "".join(
                f'<input type="hidden" name="{html.escape(k)}" value="{html.escape(v)}">'
                for k, v in query.items()
            )
            page = f"""<!DOCTYPE html><html lang="ko"><head><meta charset="utf-8"><title>시험용 본인확인</title></head>
<body><main><h1>시험용 본인확인 기관</h1><p>시험용 사용자로 본인확인을 마칩니다.</p>
<form method="post" action="/authorize">{hidden}
<button type="submit" name="decision" value="approve">인증하기</button>
<button type="submit" name="decision" value="deny">취소</button></form></main></body></html>"""
            return self._send(200, page, "text/html; charset=utf-8")

        def do_POST(self) -> None:
            url = urlsplit(self.path)
            form = self._form()
            if url.path == "/_control":
                with provider.lock:
                    provider.mode = form.get("mode", "good")
                    if "claims" in form:
                        provider.claims = form["claims"]
                return self._json(200, {"mode": provider.mode})
            if url.path == "/authorize":
                return self._approve(form)
            if url.path == "/token":
                return self._token(form)
            return self._json(404, {"error": "not_found"})

        def _approve(self, form: dict[str, str]) -> None:
            target = form.get("redirect_uri", "")
            if form.get("decision") != "approve":
                query = urlencode({"error": "access_denied", "state": form.get("state", "")})
                return self._send(302, "", "text/plain", {"Location": f"{target}?{query}"})
            code = secrets.token_urlsafe(24)
            with provider.lock:
                provider.codes[code] = {**form, "issued": time.time()}
                provider.nonces.append(form["nonce"])
            query = urlencode({"code": code, "state": form["state"]})
            return self._send(302, "", "text/plain", {"Location": f"{target}?{query}"})

        def _client_ok(self, form: dict[str, str]) -> bool:
            header = self.headers.get("Authorization", "")
            if header.startswith("Basic "):
                from urllib.parse import unquote

                client_id, _, secret = base64.b64decode(header[6:]).decode().partition(":")
                client_id, secret = unquote(client_id), unquote(secret)
            else:
                client_id, secret = form.get("client_id", ""), form.get("client_secret", "")
            return client_id == CLIENT_ID and hmac.compare_digest(secret, CLIENT_SECRET)

        def _token(self, form: dict[str, str]) -> None:
            provider.token_requests += 1
            if provider.mode == "token_error":
                return self._send(500, "internal error", "text/plain")
            if not self._client_ok(form):
                return self._json(401, {"error": "invalid_client"})
            if form.get("grant_type") != "authorization_code":
                return self._json(400, {"error": "unsupported_grant_type"})
            with provider.lock:
                grant = provider.codes.pop(form.get("code", ""), None)  # one use only
            if grant is None or time.time() - grant["issued"] > 60:
                return self._json(400, {"error": "invalid_grant"})
            if form.get("redirect_uri") != grant["redirect_uri"]:
                return self._json(400, {"error": "invalid_grant", "error_description": "redirect_uri"})
            verifier = form.get("code_verifier", "")
            challenge = (
                base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
            )
            if not verifier or challenge != grant["code_challenge"]:
                return self._json(400, {"error": "invalid_grant", "error_description": "pkce"})
            access_token = secrets.token_urlsafe(32)
            return self._json(
                200,
                {
                    "access_token": access_token,
                    "token_type": "Bearer",
                    "expires_in": 300,
                    "id_token": provider.id_token(grant, access_token),
                },
            )

    return Handler


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, default=0)
    args = parser.parse_args()
    provider = Provider()
    server = ThreadingHTTPServer(("127.0.0.1", args.port), handler_for(provider))
    provider.issuer = f"http://127.0.0.1:{server.server_address[1]}"
    print(provider.issuer, flush=True)  # the fixture reads the address from the first line
    with contextlib.suppress(KeyboardInterrupt):
        server.serve_forever()
    sys.exit(0)


if __name__ == "__main__":
    main()
