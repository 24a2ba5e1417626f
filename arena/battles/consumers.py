"""The battle websocket: authenticate the session, hand prompts to the turn runner, send its events."""

from __future__ import annotations

import asyncio
import contextlib
import json

import orjson
from channels.consumer import get_handler_name
from channels.generic.websocket import AsyncJsonWebsocketConsumer
from django.conf import settings
from django.utils.translation import gettext as _

from arena.battles import turn
from arena.battles.events import CLOSE_NO_CONSENT, BattleOpened, Event, Refused
from arena.consent import session_voter
from arena.safety import limits
from core import draining
from core.socket_db import socket_db


@socket_db
def _socket_open(scope) -> tuple[str | None, limits.Client | None]:
    """Who is on the socket (read from the session, in one trip to a thread) and today's keyed
    hashes of their network and device, for the limits and the vote checks."""
    voter = session_voter(scope.get("session"))
    return voter, limits.client_from_scope(scope) if voter is not None else None


class BattleConsumer(AsyncJsonWebsocketConsumer):
    # A battle talks to no other consumer: no channel-layer receive is held open for it (on Redis an
    # idle receive timed out under load and took its battle down with it).
    channel_layer_alias = None

    async def dispatch(self, message) -> None:
        # Channels refreshes the database connections before every message, a hop to asgiref's one
        # thread per frame; this consumer's database work runs through core.socket_db, which
        # refreshes the connection of the thread it uses.
        handler = getattr(self, get_handler_name(message), None)
        if handler is None:
            raise ValueError(f"No handler for message type {message['type']}")
        await handler(message)

    async def connect(self) -> None:
        self.battle_id: str | None = None
        self.turn_task: asyncio.Task | None = None
        self.voter, self.client = await _socket_open(self.scope)
        if self.voter is None:
            # Without consent nothing may be sent to a model; the page reloads to the notice. Accept
            # first: a handshake refused outright reaches the page as 1006, never as this code.
            await self.accept()
            await self.close(code=CLOSE_NO_CONSENT)
            return
        await self.accept()

    async def receive(self, text_data=None, bytes_data=None, **kwargs) -> None:
        """One JSON object in a text frame of a prompt's size; anything else is answered, not raised
        (a traceback per malformed frame would let anyone fill the log)."""
        if self.voter is None:
            return
        if text_data is None or len(text_data.encode()) > settings.ARENA_WS_MAX_BYTES:
            await self._bad_message()
            return
        try:
            content = json.loads(text_data)
        except (ValueError, RecursionError):  # RecursionError: "[[[[..." nested deeper than Python recurses
            await self._bad_message()
            return
        await self.receive_json(content)

    async def _bad_message(self) -> None:
        await self._send(Refused("bad_message", _("알 수 없는 요청입니다.")))

    async def _send(self, event: Event) -> None:
        # Straight to the server (no session wrapper on the way), Hangul as is, not \uXXXX: a third of
        # the bytes per token on the wire.
        await self.base_send({"type": "websocket.send", "text": orjson.dumps(event.payload()).decode()})

    async def receive_json(self, content, **kwargs) -> None:
        kind = content.get("type") if isinstance(content, dict) else None
        busy = self.turn_task is not None and not self.turn_task.done()
        if kind == "prompt":
            if busy:
                await self._send(
                    Refused("busy", _("두 모델의 답변이 끝난 뒤에 다음 질문을 보낼 수 있습니다."))
                )
                return
            self.turn_task = asyncio.create_task(self._relay_turn(content.get("text")))
        elif kind == "new_battle" and not busy:
            self.battle_id = None
        else:
            await self._bad_message()

    @draining.tracked_turn
    async def _relay_turn(self, text) -> None:
        async def send(event: Event) -> None:
            if type(event) is BattleOpened:
                self.battle_id = event.battle_id
            await self._send(event)

        # Cancelled when the citizen leaves mid-turn: the runner records the cancelled turn and
        # releases the battle before it ends.
        await turn.turn_run(
            battle_id=self.battle_id, voter=self.voter, prompt=text, client=self.client, send=send
        )

    async def disconnect(self, code) -> None:
        task = getattr(self, "turn_task", None)
        if task is not None and not task.done():
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
