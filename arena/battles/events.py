"""What the battle websocket says, as typed, frozen events: the one list of them.

The turn yields these, the consumer sends `event.payload()` (a JSON object whose "type" is the
event's name), and the page reads the names and the close codes from `protocol()`, rendered into it
by the server, so the script repeats no literal of its own.

No event ever names a model or a team: the reveal happens only through the vote.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any, ClassVar, Literal

Side = Literal["a", "b"]

# Close codes of the battle socket (4000-4999 are the application's own).
CLOSE_NO_CONSENT = 4403  # the session has not accepted the current notice: the page reloads to it


@dataclass(frozen=True)
class Event:
    type: ClassVar[str]

    def payload(self) -> dict[str, Any]:
        return {"type": self.type, **asdict(self)}


@dataclass(frozen=True)
class BattleOpened(Event):
    """Once, when the first prompt opened a battle."""

    type: ClassVar[str] = "battle"
    battle_id: str
    max_turns: int
    max_chars: int


@dataclass(frozen=True)
class TurnStarted(Event):
    """The prompt as sent and stored (redacted), and the kinds of personal detail masked in it."""

    type: ClassVar[str] = "turn_started"
    turn: int
    prompt: str
    masked: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Delta(Event):
    """Answer text, coalesced; names masked, personal details redacted, invisible characters gone."""

    type: ClassVar[str] = "delta"
    side: Side
    text: str

    def payload(self) -> dict[str, Any]:
        # The one event sent per piece of an answer: built directly, not through asdict's deep copy.
        return {"type": "delta", "side": self.side, "text": self.text}


@dataclass(frozen=True)
class Thinking(Event):
    """A reasoning model is thinking before (or while) it answers on this side. Sent when its first
    reasoning arrives and then at most every THINKING_EVERY seconds while it goes on, so the page can
    tell a thinking model from a stalled one; the reasoning itself never leaves the server."""

    type: ClassVar[str] = "thinking"
    side: Side


THINKING_EVERY = 1.0  # well under ARENA_STALL_SECONDS: a thinking side never looks stalled


@dataclass(frozen=True)
class IdentityMasked(Event):
    """A model or maker name (or a watermark) was masked on this side: the vote will not count."""

    type: ClassVar[str] = "identity_masked"
    side: Side


@dataclass(frozen=True)
class SideDone(Event):
    type: ClassVar[str] = "side_done"
    side: Side


@dataclass(frozen=True)
class SideEnded(Event):
    """A side that did not finish: it failed, or a response rule stopped it. Either closes the turn to
    voting; the message says why in the citizen's language, never which team's server it was."""

    side: Side
    message: str


@dataclass(frozen=True)
class SideError(SideEnded):
    type: ClassVar[str] = "side_error"


@dataclass(frozen=True)
class SideModerated(SideEnded):
    type: ClassVar[str] = "side_moderated"


@dataclass(frozen=True)
class TurnDone(Event):
    type: ClassVar[str] = "turn_done"
    turn: int
    votable: bool
    turns_left: int


@dataclass(frozen=True)
class Refused(Event):
    """The prompt was refused (empty, too long, over a limit, battle closed); nothing was stored."""

    type: ClassVar[str] = "error"
    code: str
    message: str
    retry_after: int | None = None

    def payload(self) -> dict[str, Any]:
        body = super().payload()
        if self.retry_after is None:
            del body["retry_after"]
        return body


@dataclass(frozen=True)
class Blocked(Event):
    """Moderation held the prompt back."""

    type: ClassVar[str] = "blocked"
    category: str
    message: str


@dataclass(frozen=True)
class Crisis(Event):
    """Self-harm risk in the prompt: crisis lines instead of a battle."""

    type: ClassVar[str] = "crisis"
    category: str
    message: str
    resources: list[dict[str, str]]


EVENTS: tuple[type[Event], ...] = (
    BattleOpened,
    TurnStarted,
    Delta,
    Thinking,
    IdentityMasked,
    SideDone,
    SideError,
    SideModerated,
    TurnDone,
    Refused,
    Blocked,
    Crisis,
)


def protocol() -> dict[str, Any]:
    """What the page script needs to read the socket: event names by role and the close codes."""
    return {
        "events": {event.__name__: event.type for event in EVENTS},
        "close": {"no_consent": CLOSE_NO_CONSENT},
    }
