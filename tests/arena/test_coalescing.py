"""Coalesced frames: what one read from a model server brings is masked, redacted, moderated and sent as
one piece, and still nothing slips through between two pieces and nothing is lost or repeated."""

import pytest
from channels.db import database_sync_to_async

from arena.battles.identity import MASK
from arena.endpoints.inference import Delta, Endpoint, Finish, Timeouts, stream_chat
from arena.models import Turn
from tests.arena.factories import connect, events_until_turn_done
from tests.arena.misbehaving_server import MisbehavingServer, chunk, head, sse
from tests.conftest import register_attested

pytestmark = pytest.mark.django_db(transaction=True)

LONG = (
    "전입신고는 새로 이사한 곳의 주민센터에서 할 수 있습니다. 누리집(온라인)에서도 신청이 가능하고, "
    "준비물은 신분증 하나면 됩니다 🙂 Ready? 궁금한 점이 있으면 다시 물어봐 주세요!"
)


def pieces(text: str) -> list[str]:
    """1-4 characters each, as a tokenizer cuts Korean."""
    out, i, size = [], 0, 1
    while i < len(text):
        out.append(text[i : i + size])
        i += size
        size = size % 4 + 1
    return out


def many_small_events(n):
    """Every piece its own event, written five events at a time, one write in three cut in the middle
    of a Hangul character: each read brings several tokens, or half of one."""
    events = [sse(chunk(p)) for p in pieces(LONG)] + [sse(chunk(finish="stop")), sse("[DONE]")]
    actions = [head()]
    for k in range(0, len(events), 5):
        data = b"".join(events[k : k + 5])
        if k % 15 == 0 and "가".encode()[0] in data:
            cut = next(i for i, b in enumerate(data) if b >= 0xE0) + 1  # inside a 3-byte syllable
            actions += [data[:cut], 0.02, data[cut:]]
        else:
            actions += [data, 0.02]
    return actions


def name_across_reads(n):
    """엑사원 cut between two reads, each read two events: "저는 " + "엑", then "사" + "원이고 ...", the
    second write itself cut inside the syllable 사."""
    second = sse(chunk("사")) + sse(chunk("원이고 공공 서비스를 돕습니다."))
    cut = second.index("사".encode()) + 1
    return [
        head(),
        sse(chunk("저는 ")) + sse(chunk("엑")),
        0.3,
        second[:cut],
        0.1,
        second[cut:],
        sse(chunk(finish="stop")) + sse("[DONE]"),
    ]


def paced(gap: float):
    """The pieces of LONG one event per write, `gap` seconds apart."""

    def script(n):
        actions = [head()]
        for piece in pieces(LONG):
            actions += [sse(chunk(piece)), gap]
        return [*actions, sse(chunk(finish="stop")), sse("[DONE]")]

    return script


SCENARIOS = {
    "fast": paced(0.005),
    "slow": paced(0.1),
    "many": many_small_events,
    "name": name_across_reads,
    "short": lambda n: [head(), sse(chunk("네, 알겠습니다.")), sse(chunk(finish="stop")), sse("[DONE]")],
}


@pytest.fixture
def upstream():
    server = MisbehavingServer(SCENARIOS).start()
    yield server
    server.stop()


async def battle(upstream, consented_session, first: str, second: str):
    for name in (first, second):
        await database_sync_to_async(register_attested)(
            team=f"팀 {name}",
            model=f"모델 {name}",
            base_url=upstream.base_url(name),
            model_id=name,
            internal=True,
        )
    communicator, connected, _ = await connect(consented_session)
    assert connected
    await communicator.send_json_to({"type": "prompt", "text": "전입신고는 어떻게 하나요?"})
    events = await events_until_turn_done(communicator)
    await communicator.disconnect()
    turn = await database_sync_to_async(Turn.objects.select_related("battle__model_a").get)()
    side = "a" if turn.battle.model_a.model_id == first else "b"
    deltas = [e["text"] for e in events if e["type"] == "delta" and e["side"] == side]
    return events, side, deltas, turn


async def test_with_coalescing_every_character_arrives_once_and_in_order(upstream, consented_session):
    events, side, deltas, turn = await battle(upstream, consented_session, "many", "short")
    assert "".join(deltas) == LONG
    assert getattr(turn, f"response_{side}") == LONG  # stored as shown
    # Coalesced: fewer frames than the model sent tokens.
    assert len(deltas) < len(pieces(LONG))
    assert events[-1]["type"] == "turn_done" and events[-1]["votable"] is True


async def test_a_name_split_across_two_coalesced_frames_is_still_masked(upstream, consented_session):
    events, side, deltas, turn = await battle(upstream, consented_session, "name", "short")
    shown = "".join(deltas)
    assert shown == f"저는 {MASK}이고 공공 서비스를 돕습니다."
    # No frame carries any part of the name, not even the part before the cut.
    assert not any(part in piece for piece in deltas for part in ("엑", "사원", "원이"))
    kinds = [(e["type"], e.get("side")) for e in events]
    first_masked_delta = next(i for i, e in enumerate(events) if e["type"] == "delta" and MASK in e["text"])
    assert kinds.index(("identity_masked", side)) < first_masked_delta
    assert getattr(turn, f"response_{side}") == shown
    assert turn.battle.identity_leak


async def read(upstream, scenario: str, coalesce: float) -> list:
    endpoint = Endpoint(base_url=upstream.base_url(scenario), model_id="m")
    return [
        item
        async for item in stream_chat(
            endpoint, [{"role": "user", "content": "질문"}], timeouts=Timeouts(total=60), coalesce=coalesce
        )
    ]


async def test_a_fast_stream_is_passed_on_in_few_pieces_and_exactly(upstream):
    items = await read(upstream, "fast", coalesce=0.5)
    deltas = [i.content for i in items if isinstance(i, Delta)]
    assert "".join(deltas) == LONG and items[-1] == Finish("stop", None)
    assert len(deltas) < len(pieces(LONG)) / 2  # 40 tokens 5 ms apart, a window of half a second


async def test_a_slow_stream_is_not_held_by_the_window(upstream):
    items = await read(upstream, "slow", coalesce=0.02)
    deltas = [i.content for i in items if isinstance(i, Delta)]
    # Every token came 100 ms after the last, well outside the window: each passed on by itself.
    assert deltas == pieces(LONG)
