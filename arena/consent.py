"""The arena's consent notice and the pseudonymous voter it unlocks, kept in the server-side session."""

from __future__ import annotations

import secrets

from arena.services import voter_pseudonym

# Bumped when the notice changes (2026-12: network and browser-class hashes for limits and vote checks).
CONSENT_VERSION = "2026-12"
SESSION_CONSENT = "arena_consent"
SESSION_VOTER = "arena_voter"


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
