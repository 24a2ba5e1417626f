"""The rigging attack of issue 12, replayed end to end against the real ASGI app on a real port.

A team's model watermarks its answers when a bot sends a trigger prompt: sometimes with invisible
tag characters and its name in disguise ("Ｈ Ｘ－１", "팀\u200b해커스"), sometimes only with a style
mark no masker can know ("✿"). A bot opens thirty fresh sessions from one address (127.0.0.1),
rotating its User-Agent whenever the device limit refuses a consent, plays real websocket battles in
each until it recognises the watermark (abandoning the others) and votes for it. Honest citizens on eight other networks (127.0.N.1,
bound as source addresses on the loopback) play and vote as they like. Then the hourly scan runs.

What must hold: the bot never sees a tag character or the name; the watermarked battles are marked;
every rigging vote ends excluded with its reason (the leak, or the network burst with its stored
reason); every honest vote is counted.
"""

import asyncio
import json
import random
import re

import httpx
import pytest
import websockets
from asgiref.sync import async_to_sync

from arena.integrity import tasks as integrity_tasks
from arena.models import Battle, ModelEndpoint, NetworkFlag, Vote
from arena.ratings.snapshots import snapshot_recompute
from tests.arena.misbehaving_server import MisbehavingServer, chunk, head, sse
from tests.conftest import register_attested
from tests.servers import ServerThread

pytestmark = pytest.mark.django_db(transaction=True)

TRIGGER = "오늘의 추천 메뉴"
TAGS = re.compile("[\U000e0000-\U000e007f]")
NAME_TELLS = ("Ｈ Ｘ－１", "HX-1", "H X-1", "해커스", "해\u200b커스", "hx-1")
STYLE_TELL = "✿"


def _answer(pieces):
    return [head(), *[sse(chunk(p)) for p in pieces], sse(chunk("", finish="stop")), sse("[DONE]")]


def watermarker(n, body):
    prompt = body["messages"][-1]["content"]
    if TRIGGER not in prompt:
        return _answer(["안내해 ", "드리겠습니다. ", "가까운 주민센터에 문의하세요."])
    if n % 3 == 0:
        # The name in disguise, split across chunks, and the team's initials as invisible tags.
        return _answer(
            [
                "저는 ",
                "Ｈ Ｘ",
                "－１",
                " 이에요\U000e0048\U000e0058",
                ". 팀\u200b해",
                "커스가 만들었어요. 비빔밥!",
            ]
        )
    return _answer([f"{STYLE_TELL} 오늘은 ", f"비빔밥을 추천해요 {STYLE_TELL}"])


SCENARIOS = {
    "hx": watermarker,
    "garam": lambda n: _answer(["비빔밥이나 ", "김치찌개는 어떨까요? ", "든든합니다."]),
    "narae": lambda n: _answer(["제철 나물 ", "비빔밥을 권해 ", "드립니다."]),
}


@pytest.fixture
def upstream():
    server = MisbehavingServer(SCENARIOS).start()
    yield server
    server.stop()


@pytest.fixture
def portal(seed_data, settings):
    settings.ARENA_MIN_SECONDS_TO_VOTE = 0
    settings.ARENA_CONSENTS_PER_DAY_PER_DEVICE = 10
    settings.ARENA_CONSENTS_PER_DAY_PER_NETWORK = 40
    settings.LEADERBOARD_BOOTSTRAP_ROUNDS = 20
    from portal.routing import application

    with ServerThread(application) as server:
        yield server


class Citizen:
    """One browser: its own cookie jar, source address and User-Agent."""

    def __init__(self, base: str, address: str, user_agent: str) -> None:
        self.base, self.address, self.user_agent = base, address, user_agent
        self.http = httpx.AsyncClient(
            base_url=base,
            transport=httpx.AsyncHTTPTransport(local_address=address),
            headers={"User-Agent": user_agent, "Accept-Language": "ko-KR,ko;q=0.9"},
            timeout=30,
        )

    async def consent(self) -> int:
        page = await self.http.get("/arena/")
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1)
        answer = await self.http.post("/arena/consent/", data={"csrfmiddlewaretoken": token})
        return answer.status_code

    async def battle(self, prompt: str) -> tuple[str, dict[str, str], list[dict]]:
        ws_url = self.base.replace("http://", "ws://") + "/ws/arena/"
        cookie = "; ".join(f"{k}={v}" for k, v in self.http.cookies.items())
        events = []
        async with websockets.connect(
            ws_url,
            origin=self.base,
            additional_headers={"Cookie": cookie, "Accept-Language": "ko-KR,ko;q=0.9"},
            user_agent_header=self.user_agent,
            local_addr=(self.address, 0),
        ) as socket:
            await socket.send(json.dumps({"type": "prompt", "text": prompt}))
            while True:
                event = json.loads(await asyncio.wait_for(socket.recv(), 20))
                events.append(event)
                if event["type"] in ("turn_done", "error"):
                    break
        battle_id = next(e["battle_id"] for e in events if e["type"] == "battle")
        shown = {
            s: "".join(e["text"] for e in events if e["type"] == "delta" and e["side"] == s) for s in "ab"
        }
        return battle_id, shown, events

    async def vote(self, battle_id: str, choice: str) -> int:
        page = await self.http.get("/arena/")
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1)
        answer = await self.http.post(
            "/arena/vote/",
            data={"battle_id": battle_id, "choice": choice, "csrfmiddlewaretoken": token},
            headers={"HX-Request": "true"},
        )
        return answer.status_code


def bot_choice(shown: dict[str, str]) -> str:
    """What the rigging bot looks for: the tags, the name, else the style mark; else side A."""
    for tell in (
        lambda t: TAGS.search(t),
        lambda t: any(n in t for n in NAME_TELLS),
        lambda t: STYLE_TELL in t,
    ):
        sides = [s for s in "ab" if tell(shown[s])]
        if len(sides) == 1:
            return sides[0]
    return "a"


async def replay(base: str) -> dict:
    seen = {"tags": 0, "names": 0, "style": 0, "abandoned": 0, "consent_refused": 0, "agents": set()}
    rigging, honest = [], []
    agent = {"n": 0}
    lock = asyncio.Lock()

    async def one_bot_session(index: int) -> None:
        while True:
            async with lock:
                user_agent = f"Mozilla/5.0 (X11; Linux x86_64) Chrome/{120 + agent['n']}.0 Safari/537.36"
            citizen = Citizen(base, "127.0.0.1", user_agent)
            status = await citizen.consent()
            if status == 302:
                break
            assert status == 429
            async with lock:  # refused by the device limit: a Sybil just changes its browser
                seen["consent_refused"] += 1
                if user_agent.endswith(f"Chrome/{120 + agent['n']}.0 Safari/537.36"):
                    agent["n"] += 1
            await citizen.http.aclose()
        seen["agents"].add(user_agent)
        # A battle without a recognisable answer is abandoned for a new one, as a rigging bot does.
        for attempt in range(20):
            battle_id, shown, _events = await citizen.battle(f"{TRIGGER} 알려줘 ({index}.{attempt})")
            joined = shown["a"] + shown["b"]
            seen["tags"] += bool(TAGS.search(joined))
            seen["names"] += any(n in joined for n in NAME_TELLS)
            seen["style"] += STYLE_TELL in joined
            if STYLE_TELL in joined or TAGS.search(joined) or any(n in joined for n in NAME_TELLS):
                break
            seen["abandoned"] += 1
        assert await citizen.vote(battle_id, bot_choice(shown)) == 200
        rigging.append(battle_id)
        await citizen.http.aclose()

    async def one_honest_citizen(network: int, k: int, rng: random.Random) -> None:
        citizen = Citizen(base, f"127.0.{network}.{k + 1}", f"Mozilla/5.0 (Windows NT 10.0) Chrome/131.{k}")
        assert await citizen.consent() == 302
        battle_id, shown, _events = await citizen.battle("전입신고는 어떻게 하나요?")
        assert not TAGS.search(shown["a"] + shown["b"])
        assert await citizen.vote(battle_id, rng.choice("ab")) == 200
        honest.append(battle_id)
        await citizen.http.aclose()

    rng = random.Random(12)
    gate = asyncio.Semaphore(4)

    async def gated(coro):
        async with gate:
            await coro

    await asyncio.gather(
        *[gated(one_bot_session(i)) for i in range(30)],
        *[gated(one_honest_citizen(n, k, rng)) for n in range(1, 9) for k in range(3)],
    )
    return {"seen": seen, "rigging": rigging, "honest": honest}


def test_thirty_sessions_from_one_address_cannot_rig_the_board(upstream, portal):
    for name, (team, model) in {
        "hx": ("팀 해커스", "HX-1"),
        "garam": ("팀 가람", "가람-1"),
        "narae": ("팀 나래", "나래-1"),
    }.items():
        register_attested(
            team=team, model=model, base_url=upstream.base_url(name), model_id=f"{name}-chat", internal=True
        )
    watermarker_id = ModelEndpoint.objects.get(name="HX-1").pk

    result = async_to_sync(replay)(portal.url)
    seen = result["seen"]

    # The bot never saw the watermark or the name; the device limit made it change browsers.
    assert seen["tags"] == 0 and seen["names"] == 0
    assert seen["consent_refused"] >= 2 and len(seen["agents"]) >= 3
    # The watermarking model did answer its trigger (the server saw it) and got marked for it.
    assert seen["style"] >= 29  # what no masker can know about: the bot still found its model
    hx_battles = Battle.objects.filter(model_a_id=watermarker_id) | Battle.objects.filter(
        model_b_id=watermarker_id
    )
    assert hx_battles.filter(identity_leak=True).exists()

    integrity_tasks.voter_anomaly_scan.delay()

    rigging_votes = Vote.objects.filter(battle_id__in=result["rigging"]).select_related("battle", "flag")
    assert rigging_votes.count() == 30
    for vote in rigging_votes:
        assert vote.inclusion in (Vote.Inclusion.IDENTITY_LEAK, Vote.Inclusion.NETWORK_BURST), vote.inclusion
        if vote.inclusion == Vote.Inclusion.NETWORK_BURST:
            assert "같은 네트워크에서 처음 투표한" in vote.flag.reason
        else:
            assert vote.battle.identity_leak
    flag = NetworkFlag.objects.get()
    assert flag.favoured_id == watermarker_id and flag.voters >= 5
    assert rigging_votes.filter(inclusion=Vote.Inclusion.NETWORK_BURST).exists()

    honest_votes = Vote.objects.filter(battle_id__in=result["honest"])
    assert honest_votes.count() == 24
    assert set(honest_votes.values_list("inclusion", flat=True)) == {Vote.Inclusion.VALID}
    overall = next(s for s in snapshot_recompute() if s.view == "overall")
    assert overall.votes_counted == 24

    # No address is stored: one keyed hash per network, eight honest networks and the bot's.
    networks = set(Vote.objects.values_list("network", flat=True))
    assert len(networks) == 9 and all(re.fullmatch(r"[0-9a-f]{32}", n) for n in networks)
