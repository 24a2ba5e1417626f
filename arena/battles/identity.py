"""Keeping the vote blind: model names masked in the stream, identity questions noticed.

Pure Python. `LeakMasker` is fed an answer chunk by chunk and returns only text that can no longer
turn into a model or company name: it holds back the shortest tail that could still be the start of
one, so a name split across chunks ("엑" + "사원") is caught before any of it leaves the portal.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable

MASK = "[모델명]"

# Programme models, their makers, and the foreign models and makers a Korean citizen may recognise.
# Short Korean words that hide inside ordinary ones are left out ("라마" is in "드라마").
KNOWN_ALIASES = (
    "하이퍼클로바X", "하이퍼클로바", "HyperCLOVA X", "HyperCLOVAX", "HyperCLOVA", "클로바X", "CLOVA X",
    "엑사원", "EXAONE", "LG AI연구원", "LG AI Research",
    "솔라 프로", "Solar Pro", "솔라", "Solar", "업스테이지", "Upstage",
    "A.X", "에이닷", "SK텔레콤", "SKT",
    "VARCO", "바르코", "엔씨소프트", "NCSOFT", "NC AI",
    "믿:음", "Mi:dm", "카나나", "Kanana", "카카오", "Kakao", "네이버", "Naver", "코난", "Konan",
    "ChatGPT", "GPT-4o", "GPT-4", "GPT-5", "GPT", "OpenAI", "오픈AI", "오픈에이아이",
    "Claude", "클로드", "Anthropic", "앤트로픽",
    "Gemini", "제미나이", "제미니", "Gemma", "젬마", "Google DeepMind", "구글",
    "Qwen", "큐웬", "통의천문", "Alibaba", "알리바바",
    "Llama", "라마3", "라마 3", "Meta AI",
    "DeepSeek", "딥시크", "Mistral", "미스트랄", "Grok", "그록",
)  # fmt: skip

_IDENTITY_QUESTIONS = re.compile(
    r"누구(야|니|세요|신가요|인가요|예요|에요)|(너|당신|넌|니)\s*(는|의|이)?\s*(이름|정체)|이름이\s*(뭐|무엇)|"
    r"(어떤|무슨|어느)\s*(AI|에이아이|모델|회사)|누가\s*(너를?|당신을?)?\s*(만들|개발|학습)|"
    r"(어디|어느 회사)에서\s*(만들|개발)|"
    r"개발사|제작사|who\s+are\s+you|what(?:'s|\s+is)\s+your\s+name|which\s+(?:model|llm|ai)|"
    r"who\s+(?:made|created|built|trained|developed)\s+you|what\s+model\s+are\s+you",
    re.IGNORECASE,
)


def _pattern(alias: str) -> str:
    escaped = re.escape(alias)
    # Latin names must stand alone ("GPT" yes, "GPTs"/"SKTelecom" handled by their own entries;
    # "solar panel" would still match "Solar": a false alarm costs one vote, a miss costs blindness).
    if alias[:1].isascii() and alias[:1].isalnum():
        escaped = r"(?<![A-Za-z0-9])" + escaped
    if alias[-1:].isascii() and alias[-1:].isalnum():
        escaped += r"(?![A-Za-z0-9])"
    return escaped


@functools.lru_cache(maxsize=32)
def _compiled(names: frozenset[str]) -> tuple[re.Pattern | None, frozenset[str], int]:
    """The alias regex, every lowercase alias prefix, and the longest alias: built once per alias set
    (two maskers a turn would otherwise rebuild them for every battle)."""
    ordered = sorted(names, key=len, reverse=True)
    regex = re.compile("|".join(_pattern(a) for a in ordered), re.IGNORECASE) if ordered else None
    prefixes = frozenset(a.lower()[:k] for a in ordered for k in range(1, len(a) + 1))
    return regex, prefixes, max((len(a) for a in ordered), default=0)


class LeakMasker:
    """Streams text through, replacing every alias with MASK. `leaked` turns True on the first hit."""

    def __init__(self, aliases: Iterable[str]) -> None:
        self._regex, self._prefixes, self._longest = _compiled(
            frozenset(a.strip() for a in aliases if a.strip())
        )
        self._pending = ""
        self.leaked = False

    def feed(self, chunk: str) -> str:
        """Return the text that is safe to show now; keep back what might still become a name."""
        text = self._mask(self._pending + chunk)
        hold = self._holdback(text)
        self._pending = text[len(text) - hold :] if hold else ""
        return text[: len(text) - hold]

    def flush(self) -> str:
        text, self._pending = self._mask(self._pending), ""
        return text

    def _mask(self, text: str) -> str:
        if self._regex is None:
            return text
        masked, hits = self._regex.subn(MASK, text)
        if hits:
            self.leaked = True
        return masked

    def _holdback(self, text: str) -> int:
        """Length of the longest tail that is the start of (or a whole) alias."""
        lowered = text.lower()
        for k in range(min(self._longest, len(text)), 0, -1):
            if lowered[-k:] in self._prefixes:
                return k
        return 0


def asks_identity(prompt: str, aliases: Iterable[str] = KNOWN_ALIASES) -> bool:
    """Does the prompt ask the model who it is, or name a model or maker itself?"""
    if _IDENTITY_QUESTIONS.search(prompt):
        return True
    masker = LeakMasker(aliases)
    masker.feed(prompt)
    masker.flush()
    return masker.leaked
