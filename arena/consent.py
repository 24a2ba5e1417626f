"""The arena's consent notice and the pseudonymous voter it unlocks, kept in the server-side session.

Shared by every arena context (battles, the panel, the citizen's own data): who is voting comes below
what they vote on.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets

from django.conf import settings

# Bumped when the notice changes (2026-12: network and browser-class hashes for limits and vote checks).
CONSENT_VERSION = "2026-12"
SESSION_CONSENT = "arena_consent"
SESSION_VOTER = "arena_voter"


def voter_pseudonym(token: str) -> str:
    """The stored voter id: a keyed hash of the session's random voter token, never the token itself."""
    return hmac.new(settings.ARENA_VOTER_SALT.encode(), token.encode(), hashlib.sha256).hexdigest()[:40]


def consent_give(session) -> None:
    session[SESSION_CONSENT] = CONSENT_VERSION
    session.setdefault(SESSION_VOTER, secrets.token_hex(16))


def session_voter(session) -> str | None:
    """The voter pseudonym of a session that accepted the current notice, else None."""
    if session is None or session.get(SESSION_CONSENT) != CONSENT_VERSION or not session.get(SESSION_VOTER):
        return None
    return voter_pseudonym(session[SESSION_VOTER])


def consent_withdraw(session) -> None:
    """Forget the consent and the voter token: a later consent starts a new pseudonym."""
    session.pop(SESSION_CONSENT, None)
    session.pop(SESSION_VOTER, None)
