"""Identity-leak masking (arena/battles/identity.py) alone and in a real battle stream."""

import pytest
from channels.db import database_sync_to_async

from arena.battles.identity import KNOWN_ALIASES, MASK, LeakMasker, aliases_for_turn, asks_identity
from arena.battles.services import vote_record
from arena.models import Battle, Turn, Vote
from tests.arena.factories import connect, events_until_turn_done
from tests.arena.misbehaving_server import MisbehavingServer, chunk, head, sse
from tests.conftest import register_attested


def run(chunks, aliases=KNOWN_ALIASES):
    masker = LeakMasker(aliases)
    shown = [masker.feed(c) for c in chunks] + [masker.flush()]
    return shown, masker.leaked


@pytest.mark.parametrize(
    "chunks",
    [
        ["저는 엑", "사원입니다"],
        ["저는 EX", "AONE", "입니다"],
        ["하이퍼", "클로바", "X예요"],
        ["I am Cl", "aude."],
    ],
)
def test_a_name_split_across_chunks_never_shows(chunks):
    shown, leaked = run(chunks)
    assert leaked
    joined = "".join(shown)
    assert MASK in joined
    for name in ("엑사원", "EXAONE", "하이퍼클로바", "Claude"):
        assert name not in joined
    # Nothing of the name leaks early either: no emitted piece ends with the name's first part.
    assert not any(piece.endswith(("엑", "EX", "하이퍼", "Cl")) for piece in shown)


def test_ordinary_text_flows_without_delay_or_change():
    shown, leaked = run(["주민센터에서 ", "전입신고를 ", "하세요. 드라마도 봐요."])
    assert not leaked
    assert shown[:3] == ["주민센터에서 ", "전입신고를 ", "하세요. 드라마도 봐요."]


# (answer, the name it disguises): every disguise of issue 12 and a few more, each fed in random
# chunks that may split a syllable into jamo, a letter from its zero-width neighbour or a tag run.
DISGUISED = [
    ("저희는 팀\u200b해커스 입니다", "팀 해커스"),
    ("저는 Ｈ Ｘ－１ 모델이에요", "HX-1"),
    ("저는 EXA\u200bONE 입니다", "EXAONE"),
    ("저는 엑 사 원 입니다", "엑사원"),
    ("저는 엑\U000e0041\U000e0042사원입니다", "엑사원"),
    ("I am E.X.A.O.N.E.", "EXAONE"),
    ("저는 ЕXАONE 입니다", "EXAONE"),  # Cyrillic Е and А
    ("저는 Ｃｌａｕｄｅ 예요", "Claude"),
    ("ㅇㅔㄱㅅㅏㅇㅝㄴ 이에요", "엑사원"),
    ("\u1100\u1173\u11ab 엑\u1109\u1161원 입니다", "엑사원"),  # conjoining jamo
    ("하이퍼 클로바 X 가 답합니다", "하이퍼클로바X"),
    ("저는 클\u200d로\u200d드", "클로드"),
    ("만든 곳은 업-스-테-이-지", "업스테이지"),
    ("G\u200bP\u200bT 기반", "GPT"),
    ("저는 솔·라 예요", "솔라"),
    ("팀 해커스의 HX－1", "HX-1"),
]
NOT_NAMES = [
    "ax + b = 0 을 풀면",
    "AX 사례를 찾아 주세요",
    "그 록 음악 좋아요",
    "어제 솔랐다고 했나요?",
    "드라마 추천",
    "SKTelecom은 아니고 GPTs도 아님",
    "구 글자 수",
    "해커 스쿨",
    "엑셀 사용법",
]


@pytest.mark.parametrize(("answer", "name"), DISGUISED)
@pytest.mark.parametrize("seed", range(5))
def test_disguised_names_are_masked_however_the_chunks_fall(answer, name, seed):
    import random

    rng = random.Random(seed)
    cuts = sorted(rng.sample(range(1, len(answer)), min(len(answer) - 1, rng.randrange(1, 8))))
    chunks = [answer[a:b] for a, b in zip([0, *cuts], [*cuts, len(answer)], strict=True)]
    shown, leaked = run(chunks, (*KNOWN_ALIASES, "팀 해커스", "HX-1"))
    joined = "".join(shown)
    assert leaked and MASK in joined, chunks
    # Nothing that reads as the name survives, not even in pieces across the chunks.
    assert LeakMasker([name]).feed(joined.replace(MASK, " ")) is not None
    probe = LeakMasker([name])
    probe.feed(joined.replace(MASK, " "))
    probe.flush()
    assert not probe.leaked, (chunks, shown)
    assert not any(c in joined for c in ("\u200b", "\u200d", "\U000e0041")), shown


@pytest.mark.parametrize("text", NOT_NAMES)
def test_ordinary_words_are_not_taken_for_names(text):
    shown, leaked = run([text], (*KNOWN_ALIASES, "팀 해커스", "HX-1"))
    assert not leaked and "".join(shown) == text


def echo_run(chunks, names):
    masker = LeakMasker(names.masked, echoed=names.echoed)
    shown = [masker.feed(c) for c in chunks] + [masker.flush()]
    return "".join(shown), masker.leaked


@pytest.mark.parametrize("own", [["엑사원", "EXAONE"], ["팀 해커스", "HX-1"]])
def test_the_citizens_own_words_coming_back_neither_mask_nor_void(own):
    """Whichever models are in the battle (one of them may be the one asked about), a model talking
    about what the citizen asked is shown as written and the vote stays counted: the same on both
    sides, so nothing tells the citizen which model is which."""
    names = aliases_for_turn(aliases=KNOWN_ALIASES, own=own, prompts=["클로드랑 엑사원 비교해 줘"])
    for answer in (
        ["클로드는 앤트로픽이 만들었고 ", "엑사원(EXAONE)은 LG AI연구원이 만들었습니다."],
        ["저는 엑사원에 대해 잘 모르지만, 클로드는 영어에 강합니다."],
        ["엑", "사원과 클로", "드를 비교하면"],
    ):
        shown, leaked = echo_run(answer, names)
        assert (shown, leaked) == ("".join(answer), False)
    # A name of a maker the citizen did not ask about is masked as before, and marks the battle.
    shown, leaked = echo_run(["제미나이는 구글이 만들었습니다"], names)
    assert leaked and "제미나이" not in shown and "구글" not in shown


@pytest.mark.parametrize(
    "answer",
    [
        ["저는 엑", "사원입니다. 무엇을 도와드릴까요?"],
        ["저는 LG AI연구원이 만든 엑사원", "이에요."],
        ["엑사원인 저는 한국어를 잘합니다."],
        ["I am Cl", "aude, made by Anthropic."],
        ["As Claude, I would say"],
        ["제 이름은 클로드", "예요"],
    ],
)
def test_a_model_saying_it_is_a_name_the_citizen_typed_is_masked_and_marked(answer):
    names = aliases_for_turn(aliases=KNOWN_ALIASES, own=["엑사원"], prompts=["클로드랑 엑사원 비교해 줘"])
    shown, leaked = echo_run(answer, names)
    assert leaked and MASK in shown
    assert "엑사원" not in shown.replace("LG AI연구원이 만든", "") and "Claude" not in shown
    assert "클로드" not in shown


def test_latin_names_need_word_boundaries():
    assert run(["SKTelecom은 아니고 GPTs도 아님"], ["SKT", "GPT"])[1] is False
    assert run(["나는 gpt 기반"], ["GPT"])[1] is True


@pytest.mark.parametrize(
    ("prompt", "asks"),
    [
        ("너는 누구야?", True),
        ("Who are you?", True),
        ("어떤 모델이야", True),
        ("누가 너를 만들었어?", True),
        ("엑사원이랑 비교하면?", False),  # naming a model is a fair question, not asking who it is
        ("너 엑사원이야?", True),
        ("혹시 Claude 맞아?", True),
        ("Are you ChatGPT?", True),
        ("누\u200b구\u200b야?", True),
        ("전입신고는 어떻게 하나요?", False),
        ("드라마 추천해줘", False),
    ],
)
def test_identity_questions(prompt, asks):
    assert asks_identity(prompt) is asks


LEAKY = {
    "leaky": lambda n: [
        head(),
        sse(chunk("저는 엑")),
        sse(chunk("사원입니다. 도와드릴게요.", finish="stop")),
        sse("[DONE]"),
    ],
    "plain": lambda n: [head(), sse(chunk("안내해 드리겠습니다.", finish="stop")), sse("[DONE]")],
}


@pytest.fixture
def recording_server():
    server = MisbehavingServer(LEAKY).start()
    yield server
    server.stop()


@pytest.mark.django_db(transaction=True)
async def test_leaked_name_never_reaches_the_browser_and_the_vote_is_excluded(
    recording_server, consented_session, voter
):
    for scenario in ("leaky", "plain"):
        await database_sync_to_async(register_attested)(
            team=f"팀 {scenario}",
            model=f"모델 {scenario}",
            base_url=recording_server.base_url(scenario),
            model_id=scenario,
            internal=True,
        )
    communicator, _, _ = await connect(consented_session)
    await communicator.send_json_to({"type": "prompt", "text": "제 번호 010-1234-5678 로 연락 주세요"})
    events = await events_until_turn_done(communicator)
    await communicator.disconnect()

    wire = "".join(e.get("text", "") for e in events if e["type"] == "delta")
    assert "엑사원" not in wire and "엑" not in wire and MASK in wire
    assert any(e["type"] == "identity_masked" for e in events)
    started = next(e for e in events if e["type"] == "turn_started")
    assert started["masked"] == ["전화번호"] and "010-1234-5678" not in started["prompt"]
    # The endpoints got the redacted prompt only, behind the anonymity instruction.
    for recorded in recording_server.requests:
        messages = recorded.body["messages"]
        assert messages[0]["role"] == "system" and "밝히거나" in messages[0]["content"]
        assert messages[-1]["content"] == "제 번호 [전화번호] 로 연락 주세요"
        assert "010-1234-5678" not in str(recorded.body)
    turn = await database_sync_to_async(Turn.objects.get)()
    assert "010-1234-5678" not in turn.prompt and "엑사원" not in turn.response_a + turn.response_b

    battle = await database_sync_to_async(Battle.objects.get)()
    assert battle.identity_leak
    vote = await database_sync_to_async(vote_record)(battle_id=battle.pk, voter=voter, choice="a")
    assert vote.inclusion == Vote.Inclusion.IDENTITY_LEAK


COVERT = {
    "tagged": lambda n: [
        head(),
        sse(chunk("안내해 드\U000e0048\U000e0058")),
        sse(chunk("리겠습니다. 주민번호 예시는 900")),
        sse(chunk("101-12")),
        sse(chunk("34567 처럼 생겼어요.", finish="stop")),
        sse("[DONE]"),
    ],
    "plain": lambda n: [head(), sse(chunk("안내해 드리겠습니다.", finish="stop")), sse("[DONE]")],
}


@pytest.fixture
def covert_server():
    server = MisbehavingServer(COVERT).start()
    yield server
    server.stop()


@pytest.mark.django_db(transaction=True)
async def test_a_watermark_is_removed_and_marks_the_battle_and_an_invented_number_never_streams(
    covert_server, consented_session, voter
):
    for scenario in COVERT:
        await database_sync_to_async(register_attested)(
            team=f"팀 {scenario}",
            model=f"모델 {scenario}",
            base_url=covert_server.base_url(scenario),
            model_id=scenario,
            internal=True,
        )
    communicator, _, _ = await connect(consented_session)
    await communicator.send_json_to({"type": "prompt", "text": "주민번호 예시 알려줘"})
    events = await events_until_turn_done(communicator)
    await communicator.disconnect()
    deltas = [e["text"] for e in events if e["type"] == "delta"]
    wire = "".join(deltas)
    assert "\U000e0048" not in wire and "[주민등록번호]" in wire
    assert not any(digit in wire for digit in "0123456789")  # no piece of the number, in any frame
    assert any(e["type"] == "identity_masked" for e in events)
    turn = await database_sync_to_async(Turn.objects.select_related("battle").get)()
    streamed = {
        side: "".join(e["text"] for e in events if e["type"] == "delta" and e["side"] == side)
        for side in "ab"
    }
    assert (turn.response_a, turn.response_b) == (streamed["a"], streamed["b"])  # shown equals stored
    assert turn.battle.identity_leak


ECHO = {
    "echo": lambda n: [
        head(),
        sse(chunk("엑사원(EXA")),
        sse(chunk("ONE)은 LG AI연구원이 만든 모델입니다.", finish="stop")),
        sse("[DONE]"),
    ],
}


@pytest.fixture
def echo_server():
    server = MisbehavingServer(ECHO).start()
    yield server
    server.stop()


@pytest.mark.django_db(transaction=True)
async def test_a_vote_on_answers_about_the_name_the_citizen_asked_about_counts(
    echo_server, consented_session, voter, settings
):
    """The citizen asks about 엑사원 and one of the two models IS the registered 엑사원: both answers
    talk about it, both are shown as written, and the vote counts."""
    settings.ARENA_MIN_SECONDS_TO_VOTE = 0
    await database_sync_to_async(register_attested)(
        team="엘지팀",
        model="엑사원",
        base_url=echo_server.base_url("echo"),
        model_id="exaone-4",
        internal=True,
    )
    await database_sync_to_async(register_attested)(
        team="다른팀",
        model="다른모델",
        base_url=echo_server.base_url("echo"),
        model_id="other",
        internal=True,
    )
    communicator, _, _ = await connect(consented_session)
    await communicator.send_json_to({"type": "prompt", "text": "엑사원에 대해 알려줘"})
    events = await events_until_turn_done(communicator)
    await communicator.disconnect()
    for side in "ab":
        wire = "".join(e["text"] for e in events if e["type"] == "delta" and e["side"] == side)
        assert wire == "엑사원(EXAONE)은 LG AI연구원이 만든 모델입니다."
    assert not any(e["type"] == "identity_masked" for e in events)
    battle = await database_sync_to_async(Battle.objects.get)()
    assert not battle.identity_leak
    vote = await database_sync_to_async(vote_record)(battle_id=battle.pk, voter=voter, choice="a")
    assert vote.inclusion == Vote.Inclusion.VALID
