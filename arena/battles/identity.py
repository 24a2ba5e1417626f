"""Keeping the vote blind: model names masked in the stream, identity questions noticed.

Pure Python (pyahocorasick for the automaton). Names are matched on a skeleton of the judged text
(arena/safety/textnorm.py): lower case, accents and Greek/Cyrillic look-alikes folded, Hangul syllables
taken apart into jamo, and every separator (spaces, punctuation, symbols, emoji) dropped. So
"엑\u200b사원", "엑 사 원", "EXA\u200bONE", "Ｈ Ｘ－１" and "E.X.A.O.N.E" all read as the alias they
disguise; a map from skeleton back to the text says what to mask. Where an alias may be disguised:

- a distinctive alias (four or more letters, or three Hangul syllables) matches with up to three
  separator characters between any two of its letters;
- a short one ("A.X", "솔라", "구글") only with the separators it has itself or with punctuation
  between its letters, never with spaces, so "ax + b", "그 록 음악" and "AX 사례" stay as written;
- a Latin alias must stand alone (no Latin letter or digit touching it), and no alias may begin or
  end inside a Hangul syllable ("솔라" is not in "솔랐다").

`LeakMasker` is fed an answer chunk by chunk and returns only text that can no longer turn into a
name: it holds back the shortest tail whose skeleton is still the start of an alias, even when the
chunk boundary falls between two jamo or between a letter and a zero-width character.

What a model may say and what the citizen wrote are not the same thing: `aliases_for_turn` leaves
out the names the citizen typed (the model repeating them says nothing about itself), except the
names registered for the two models in the battle, which are always masked.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass

import ahocorasick

from arena.safety import textnorm

MASK = "[모델명]"

# Programme models, their makers, and the foreign models and makers a Korean citizen may recognise,
# one family per maker: a citizen who types one name of a family may read any of them in an answer
# about it (엑사원 -> EXAONE, LG AI연구원) without the model having said anything of itself.
# Short Korean words that hide inside ordinary ones are left out ("라마" is in "드라마").
ALIAS_FAMILIES = (
    (
        "하이퍼클로바X",
        "하이퍼클로바",
        "HyperCLOVA X",
        "HyperCLOVAX",
        "HyperCLOVA",
        "클로바X",
        "CLOVA X",
        "네이버",
        "Naver",
    ),
    ("엑사원", "EXAONE", "LG AI연구원", "LG AI Research"),
    ("솔라 프로", "Solar Pro", "솔라", "Solar", "업스테이지", "Upstage"),
    ("A.X", "에이닷", "SK텔레콤", "SKT"),
    ("VARCO", "바르코", "엔씨소프트", "NCSOFT", "NC AI"),
    ("믿:음", "Mi:dm"),
    ("카나나", "Kanana", "카카오", "Kakao"),
    ("코난", "Konan"),
    ("ChatGPT", "GPT-4o", "GPT-4", "GPT-5", "GPT", "OpenAI", "오픈AI", "오픈에이아이"),
    ("Claude", "클로드", "Anthropic", "앤트로픽"),
    ("Gemini", "제미나이", "제미니", "Gemma", "젬마", "Google DeepMind", "구글"),
    ("Qwen", "큐웬", "통의천문", "Alibaba", "알리바바"),
    ("Llama", "라마3", "라마 3", "Meta AI"),
    ("DeepSeek", "딥시크"),
    ("Mistral", "미스트랄"),
    ("Grok", "그록"),
)
KNOWN_ALIASES = tuple(name for family in ALIAS_FAMILIES for name in family)

MAX_GAP = 3  # separator characters allowed between two letters of a disguised alias

# Greek and Cyrillic letters that look like Latin ones ("ЕXАONE" with Cyrillic Е and А).
_LOOKALIKES = str.maketrans(
    "аеорсухіјѕԁӏαβεικνορτυχοΑΒΕΗΙΚΜΝΟΡΤΥΧΖАВЕКМНОРСТУХЅІЈ",
    "aeopcyxijsdlabeiknoptuxoabehikmnoptyxzabekmhopctyxsij",
)


# A final consonant reads as the initial one it sounds like, so "엑사원" typed jamo by jamo
# ("ㅇㅔㄱㅅㅏㅇㅝㄴ", whose ㄱ and ㄴ NFKC makes initials) has the same skeleton as the syllables.
_FINAL_AS_INITIAL = str.maketrans(
    {
        **dict(zip("ᆨᆩᆫᆮᆯᆷᆸᆺᆻᆼᆽᆾᆿᇀᇁᇂ", "ᄀᄁᄂᄃᄅᄆᄇᄉᄊᄋᄌᄎᄏᄐᄑᄒ", strict=True)),
        **{"ᆪ": "ᄀᄉ", "ᆬ": "ᄂᄌ", "ᆭ": "ᄂᄒ", "ᆰ": "ᄅᄀ", "ᆱ": "ᄅᄆ", "ᆲ": "ᄅᄇ", "ᆳ": "ᄅᄉ"},
        **{"ᆴ": "ᄅᄐ", "ᆵ": "ᄅᄑ", "ᆶ": "ᄅᄒ", "ᆹ": "ᄇᄉ"},
    }
)


@functools.lru_cache(maxsize=8192)
def _atoms(char: str) -> str:
    """What one judged character contributes to the skeleton ("" for a separator)."""
    if "가" <= char <= "힣" or "\u1100" <= char <= "\u11ff":
        return unicodedata.normalize("NFD", char).translate(_FINAL_AS_INITIAL)  # jamo
    category = unicodedata.category(char)
    if category[0] in "PSZC" or category == "Mn":
        return ""
    if char.isascii():
        return char.lower()
    folded = "".join(c for c in unicodedata.normalize("NFD", char) if not unicodedata.combining(c))
    return folded.lower().translate(_LOOKALIKES)


def _is_separator(char: str) -> bool:
    return _atoms(char) == ""


@dataclass(frozen=True)
class _Skeleton:
    atoms: str
    origin: list[int]  # judged-text index of each atom
    gap: list[int]  # separator characters between this atom and the one before
    spaced: list[bool]  # whether that gap holds whitespace


def _skeleton(text: str) -> _Skeleton:
    atoms: list[str] = []
    origin: list[int] = []
    gap: list[int] = []
    spaced: list[bool] = []
    pending_gap, pending_space = 0, False
    for index, char in enumerate(text):
        piece = _atoms(char)
        if not piece:
            pending_gap += 1
            pending_space = pending_space or char.isspace()
            continue
        for k, atom in enumerate(piece):
            atoms.append(atom)
            origin.append(index)
            gap.append(pending_gap if k == 0 else 0)
            spaced.append(pending_space if k == 0 else False)
        pending_gap, pending_space = 0, False
    return _Skeleton("".join(atoms), origin, gap, spaced)


@dataclass(frozen=True)
class _Alias:
    name: str
    atoms: str
    latin: bool  # must stand alone: no Latin letter or digit touching it
    loose: bool  # any separators between its letters, not only its own
    own_gaps: tuple[bool, ...]  # after each atom: does the alias itself have a separator there?


def _alias(name: str) -> _Alias | None:
    judged = textnorm.fold(name)
    skeleton = _skeleton(judged)
    if not skeleton.atoms:
        return None
    own = tuple(g > 0 for g in skeleton.gap[1:]) + (False,)
    letters = [c for c in judged if not _is_separator(c)]
    hangul = sum(1 for c in letters if "가" <= c <= "힣")
    latin = letters[0].isascii() or letters[-1].isascii()
    loose = len(letters) >= 4 or hangul >= 3 or (latin and len(letters) >= 3)
    return _Alias(name, skeleton.atoms, latin, loose, own)


class Matcher:
    """Every alias of one set, compiled once: an Aho-Corasick automaton over their skeletons and the
    set of every skeleton prefix (for the hold-back)."""

    def __init__(self, names: frozenset[str]) -> None:
        self.aliases = [a for a in (_alias(n) for n in sorted(names)) if a is not None]
        self._automaton = ahocorasick.Automaton()
        by_atoms: dict[str, list[_Alias]] = {}
        for alias in self.aliases:
            by_atoms.setdefault(alias.atoms, []).append(alias)
        for atoms, group in by_atoms.items():
            self._automaton.add_word(atoms, group)
        self.empty = not by_atoms
        if not self.empty:
            self._automaton.make_automaton()
        self.prefixes = frozenset(a.atoms[:k] for a in self.aliases for k in range(1, len(a.atoms) + 1))
        self.longest = max((len(a.atoms) for a in self.aliases), default=0)

    def find(self, judged: str, skeleton: _Skeleton | None = None) -> list[tuple[int, int, str]]:
        """(start, end, alias name) of every alias in the judged text, leftmost-longest, no overlaps."""
        if self.empty or not judged:
            return []
        skeleton = skeleton or _skeleton(judged)
        found = []
        for last, group in self._automaton.iter(skeleton.atoms):
            for alias in group:
                first = last - len(alias.atoms) + 1
                if _fits(alias, skeleton, judged, first, last):
                    found.append((skeleton.origin[first], skeleton.origin[last] + 1, alias.name))
                    break
        found.sort(key=lambda f: (f[0], f[0] - f[1]))
        chosen: list[tuple[int, int, str]] = []
        for start, end, name in found:
            if not chosen or start >= chosen[-1][1]:
                chosen.append((start, end, name))
        return chosen

    def held_atoms(self, skeleton: _Skeleton, judged_length: int) -> int:
        """How many atoms at the end of the skeleton could still be the start of an alias (0 when the
        text ends in more separators than a disguise may put between two letters)."""
        atoms = skeleton.atoms
        if not atoms or not skeleton.origin:
            return 0
        trailing_gap = judged_length - skeleton.origin[-1] - 1
        if trailing_gap > MAX_GAP:
            return 0
        origin = skeleton.origin
        for k in range(min(self.longest, len(atoms)), 0, -1):
            # An alias cannot begin inside a syllable: a final consonant starts nothing.
            if k < len(atoms) and origin[-k] == origin[-k - 1]:
                continue
            if atoms[-k:] in self.prefixes:
                return k
        return 0


def _fits(alias: _Alias, skeleton: _Skeleton, judged: str, first: int, last: int) -> bool:
    origin = skeleton.origin
    # Not from or to the middle of a Hangul syllable.
    if first > 0 and origin[first - 1] == origin[first]:
        return False
    if last + 1 < len(origin) and origin[last + 1] == origin[last]:
        return False
    for k in range(first + 1, last + 1):
        gap = skeleton.gap[k]
        if gap > MAX_GAP:
            return False
        if not alias.loose:
            own = alias.own_gaps[k - first - 1]
            if own and gap == 0:
                return False  # "AX" is not "A.X"
            if not own and skeleton.spaced[k]:
                return False  # "그 록" is not "그록"
    if alias.latin:
        before = judged[origin[first] - 1] if origin[first] > 0 else ""
        after = judged[origin[last] + 1] if origin[last] + 1 < len(judged) else ""
        if (before.isascii() and before.isalnum()) or (after.isascii() and after.isalnum()):
            return False
    return True


@functools.lru_cache(maxsize=64)
def matcher_for(names: frozenset[str]) -> Matcher:
    """Built once per alias set: two maskers a turn would otherwise rebuild it for every battle."""
    return Matcher(names)


def _names(aliases: Iterable[str]) -> frozenset[str]:
    return frozenset(a.strip() for a in aliases if a and a.strip())


# A model saying it IS a name the citizen typed: "저는 ... 엑사원입니다", "엑사원인 저는", "I am Claude",
# "As Claude, I ...". Anything else it says of a typed name is the citizen's own word coming back.
_SELF_BEFORE_KO = re.compile(r"(?:^|\s)(?:저는|전|나는|난|제가|내가)\s|이름은|이름이")
_SELF_AFTER_KO = re.compile(r"\s*(?:입니다|이에요|예요|이야|야|이고|이며|이라고|라고|이라\s|이라서)")
_SELF_AFTER_KO_ALONE = re.compile(r"\s*(?:인|으로서|로서)\s*(?:저|제가|나는|내가)")
_AS_AFTER_EN = re.compile(r"\s*,?\s*i\b", re.IGNORECASE)
_SELF_BEFORE_EN = re.compile(
    r"(?:\bi\s+am|\bi'm|\bim|my\s+name\s+is|call\s+me|i\s+am\s+called|this\s+is)\s*(?:a|an|the)?\s*$",
    re.IGNORECASE,
)
_AS_BEFORE = re.compile(r"\bas\s*$", re.IGNORECASE)
_SENTENCE_END = re.compile(r"[.!?。\n]")
CONTEXT = 40  # characters before a typed name looked at for "저는", in the same sentence
FOLLOW = 8  # characters after a typed name waited for before deciding


def _claims_self(before: str, after: str) -> bool:
    """Does the model say it is the name that sits between `before` and `after`?"""
    if _SELF_BEFORE_EN.search(before):
        return True
    if _SELF_AFTER_KO_ALONE.match(after) or (_AS_BEFORE.search(before) and _AS_AFTER_EN.match(after)):
        return True
    sentence = _SENTENCE_END.split(before)[-1][-CONTEXT:]
    return bool(_SELF_BEFORE_KO.search(sentence) and _SELF_AFTER_KO.match(after))


@dataclass(frozen=True)
class TurnNames:
    """The names to mask in one turn's answers. `echoed` are the ones the citizen typed (and their
    families): masked only where a model says it is one, so an answer about what the citizen asked
    neither loses its subject nor voids the vote."""

    masked: tuple[str, ...]
    echoed: tuple[str, ...] = ()


class LeakMasker:
    """Streams text through, replacing every alias with MASK, and an echoed name only where the model
    claims to be it. `leaked` turns True on the first mask."""

    def __init__(self, aliases: Iterable[str], echoed: Iterable[str] = ()) -> None:
        self._echoed = _names(echoed)
        self._matcher = matcher_for(_names(aliases) | self._echoed)
        self._pending = ""
        self._context = ""  # the end of what was released, judged, for the "저는" before a name
        self.leaked = False

    def feed(self, chunk: str) -> str:
        """Return the text that is safe to show now; keep back what might still become a name."""
        self._pending += chunk
        return self._release(final=False)

    def flush(self) -> str:
        return self._release(final=True)

    def _release(self, *, final: bool) -> str:
        text = self._pending
        if not text:
            return ""
        normalized = textnorm.normalize(text)
        judged = normalized.text
        skeleton = _skeleton(judged)
        found = self._matcher.find(judged, skeleton)
        cut = len(judged)
        if not final:
            held = self._matcher.held_atoms(skeleton, len(judged))
            if held:
                cut = skeleton.origin[len(skeleton.atoms) - held]
            for start, end, name in found:
                # A name cut in two waits; so does a typed name, for a few characters of what follows
                # it (that decides whether the model says it is the name).
                if start < cut < end or (
                    name in self._echoed
                    and start < cut
                    and len(judged) - end < FOLLOW
                    and not _SENTENCE_END.search(judged, end)
                ):
                    cut = start
        masks = [
            (start, end, MASK)
            for start, end, name in found
            if end <= cut
            and (
                name not in self._echoed
                or _claims_self(self._context + judged[:start], judged[end : end + 2 * FOLLOW])
            )
        ]
        if masks:
            self.leaked = True
        self._context = (self._context + judged[:cut])[-CONTEXT * 2 :]
        source_cut = len(text) if cut == len(judged) else normalized.source_offset(cut)
        self._pending = text[source_cut:]
        return normalized.render(masks, upto=source_cut)


_IDENTITY_QUESTIONS = re.compile(
    r"누구(야|니|세요|신가요|인가요|예요|에요)|(너|당신|넌|니)\s*(는|의|이)?\s*(이름|정체)|이름이\s*(뭐|무엇)|"
    r"(어떤|무슨|어느)\s*(AI|에이아이|모델|회사)|누가\s*(너를?|당신을?)?\s*(만들|개발|학습)|"
    r"(어디|어느 회사)에서\s*(만들|개발)|"
    r"개발사|제작사|who\s+are\s+you|what(?:'s|\s+is)\s+your\s+name|which\s+(?:model|llm|ai)|"
    r"who\s+(?:made|created|built|trained|developed)\s+you|what\s+model\s+are\s+you",
    re.IGNORECASE,
)
# A name asked about the model itself: "너 엑사원이야?", "are you Claude?", "is this GPT?"
_NAME_QUESTION_AFTER = re.compile(
    r"\s*(?:이야|야|니|냐|이니|이냐|인가요|인가|이세요|세요|이에요|예요|이지|지|죠|맞아|맞니|맞나요|맞죠|입니까|이십니까)?\s*\?"
)
_NAME_QUESTION_BEFORE = re.compile(
    r"(?:are\s+you|r\s+u|is\s+this|is\s+it|너|넌|네가|니가|당신|당신은|혹시)\s*(?:a|an|the)?\s*$",
    re.IGNORECASE,
)


def asks_identity(prompt: str, aliases: Iterable[str] = KNOWN_ALIASES) -> bool:
    """Does the prompt ask the model who it is ("누구야?", "which model", "너 엑사원이야?")?

    Naming a model is not asking: "엑사원과 비교해 줘" is a fair question, and what the model answers
    about a name the citizen typed does not unmask it (see `aliases_for_turn`)."""
    judged = textnorm.fold(prompt)
    if _IDENTITY_QUESTIONS.search(judged):
        return True
    for start, end, _name in matcher_for(_names(aliases)).find(judged):
        if _NAME_QUESTION_AFTER.match(judged, end) or _NAME_QUESTION_BEFORE.search(
            judged, max(0, start - 16), start
        ):
            return True
    return False


def names_in(text: str, aliases: Iterable[str]) -> set[str]:
    """The aliases that occur in `text` (disguised or not)."""
    return {name for _, _, name in matcher_for(_names(aliases)).find(textnorm.fold(text))}


def aliases_for_turn(
    *,
    aliases: Iterable[str],
    own: Iterable[str],
    prompts: Iterable[str],
    families: Iterable[Iterable[str]] = ALIAS_FAMILIES,
) -> TurnNames:
    """The names to mask in this turn's answers: every alias (and the two models' own registered
    names) is masked, except those the citizen typed in this battle and the rest of their families,
    which are masked only where a model says it is one.

    So what the citizen typed coming back in an answer neither unmasks the battle nor voids the vote,
    and it is treated alike on both sides whoever the two models are: a name shown in one pane and
    masked in the other would tell the citizen which model it is."""
    everything = _names(aliases) | _names(own)
    typed: set[str] = set()
    for prompt in prompts:
        typed |= names_in(prompt, everything)
    echoed = set(typed)
    for family in families:
        names = _names(family)
        if names & typed:
            echoed |= names & everything
    return TurnNames(
        masked=tuple(sorted(everything - echoed)),
        echoed=tuple(sorted(echoed)),
    )
