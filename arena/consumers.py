"""The battle websocket: authenticate the session, hand prompts to the turn runner, relay its events."""

from __future__ import annotations

import asyncio
import contextlib
import json

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncJsonWebsocketConsumer
from django.utils.translation import gettext as _

from arena import limits, streaming
from arena.consent import session_voter

CLOSE_NO_CONSENT = 4403


class BattleConsumer(AsyncJsonWebsocketConsumer):
    async def connect(self) -> None:
        self.voter = session_voter(self.scope.get("session"))
        if self.voter is None:
            # Without consent nothing may be sent to a model; the page shows the notice instead.
            await self.close(code=CLOSE_NO_CONSENT)
            return
        self.battle_id: str | None = None
        self.turn_task: asyncio.Task | None = None
        # Today's keyed hashes of the network and device, for the limits and the vote checks.
        self.client = await database_sync_to_async(limits.client_from_scope)(self.scope)
        await self.accept()

    async def receive_json(self, content, **kwargs) -> None:
        kind = content.get("type") if isinstance(content, dict) else None
        busy = self.turn_task is not None and not self.turn_task.done()
        if kind == "prompt":
            if busy:
                await self.send_json(
                    {
                        "type": "error",
                        "code": "busy",
                        "message": _("두 모델의 답변이 끝난 뒤에 다음 질문을 보낼 수 있습니다."),
                    }
                )
                return
            self.turn_task = asyncio.create_task(self._relay_turn(content.get("text")))
        elif kind == "new_battle" and not busy:
            self.battle_id = None
        else:
            await self.send_json(
                {"type": "error", "code": "bad_message", "message": _("알 수 없는 요청입니다.")}
            )

    async def _relay_turn(self, text) -> None:
        async for event in streaming.turn_run(
            battle_id=self.battle_id, voter=self.voter, prompt=text, client=self.client
        ):
            if event["type"] == "battle":
                self.battle_id = event["battle_id"]
            await self.send_json(event)

    async def disconnect(self, code) -> None:
        task = getattr(self, "turn_task", None)
        if task is not None and not task.done():
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task

    @classmethod
    async def encode_json(cls, content) -> str:
        # Hangul as is, not \uXXXX: a third of the bytes per token on the wire.
        return json.dumps(content, ensure_ascii=False)
