"""Cheap text features of prompts and answers: language and markdown style. Pure Python."""

from __future__ import annotations

import re
from dataclasses import dataclass

_CODE_BLOCK = re.compile(r"```.*?```", re.DOTALL)
_HEADER = re.compile(r"^#{1,6}\s", re.MULTILINE)
_LIST_ITEM = re.compile(r"^\s*(?:\d+\.|[-*+])\s", re.MULTILINE)
_BOLD = re.compile(r"\*\*[^*\n]+\*\*|__[^_\n]+__")


@dataclass(frozen=True)
class Style:
    chars: int
    headers: int
    lists: int
    bold: int


def answer_style(text: str) -> Style:
    """Length in characters (tokenizer-neutral for Korean) and markdown counts outside code blocks."""
    prose = _CODE_BLOCK.sub("", text)
    return Style(
        chars=len(text),
        headers=len(_HEADER.findall(prose)),
        lists=len(_LIST_ITEM.findall(prose)),
        bold=len(_BOLD.findall(prose)),
    )


def prompt_language(text: str) -> str:
    """ "ko" when at least 30% of the letters are Hangul syllables or jamo, else "other"."""
    letters = [ch for ch in text if ch.isalpha()]
    if not letters:
        return "other"
    hangul = sum(1 for ch in letters if "\uac00" <= ch <= "\ud7a3" or "\u3131" <= ch <= "\u318e")
    return "ko" if hangul / len(letters) >= 0.3 else "other"
