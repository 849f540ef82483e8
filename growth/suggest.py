"""Which competencies a win looks like: word overlap with the framework's own words, explainable, offline."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

from growth.frameworks.model import Competency, Framework

_COMMON_WORDS = """
a an and are as at be been but by for from had has have he her his i in into is it its me my of on or our she so
that the their them they this to too up us was we were what when which who will with without you your not no yes
all any each more most other some such than then there these those very can just also only own same get got make
made do did done over under again further once here why how both few off out about above below between through
during before after while because until against
"""
STOPWORDS = frozenset(_COMMON_WORDS.split())
SUFFIXES = ("ations", "ation", "ings", "ing", "ers", "er", "ies", "ied", "es", "ed", "s", "ly")
NAME, DESCRIPTION, EXPECTATION = 3, 2, 1
TOP = 3
THRESHOLD = 2


@dataclass(frozen=True)
class Suggestion:
    competency: Competency
    score: int
    matched: tuple[str, ...]  # the win's own words that matched, in the order they appear


@lru_cache(maxsize=65_536)
def stem(word: str) -> str:
    for suffix in SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            return word[: -len(suffix)]
    return word


def words(text: str) -> list[str]:
    return [word for word in re.findall(r"[^\W\d_]+", text.lower()) if word not in STOPWORDS and len(word) > 2]


def _vocabulary(competency: Competency, level_ids: Sequence[str]) -> dict[str, int]:
    weights: dict[str, int] = {}
    sources = [(competency.name, NAME), (competency.description, DESCRIPTION)]
    sources += [
        (competency.expectations[level].text, EXPECTATION) for level in level_ids if level in competency.expectations
    ]
    for text, weight in sources:
        for word in words(text):
            key = stem(word)
            weights[key] = max(weights.get(key, 0), weight)
    return weights


class Suggester:
    """The competencies of `level_ids` and their words, read once: a packet asks for thousands of wins."""

    def __init__(self, framework: Framework, level_ids: Sequence[str]) -> None:
        self._vocabularies = [
            (order, competency, _vocabulary(competency, level_ids))
            for order, competency in enumerate(framework.competencies)
            if any(level in competency.expectations for level in level_ids)
        ]

    def __call__(self, text: str) -> list[Suggestion]:
        """Up to three competencies that `text` looks like, with the words that matched.

        Scores add, per distinct word of the win, the weight of its best match: the competency's name (3),
        its description (2), or what the levels expect (1). Below 2 is no suggestion; ties keep framework
        order."""
        said = [(stem(word), word) for word in words(text)]
        found = []
        for order, competency, vocabulary in self._vocabularies:
            matched: dict[str, str] = {}
            score = 0
            for key, word in said:
                if key in vocabulary and key not in matched:
                    matched[key] = word
                    score += vocabulary[key]
            if score >= THRESHOLD:
                found.append((-score, order, Suggestion(competency, score, tuple(matched.values()))))
        return [suggestion for _, _, suggestion in sorted(found, key=lambda item: item[:2])][:TOP]


def suggest(framework: Framework, level_ids: Sequence[str], text: str) -> list[Suggestion]:
    """Up to three competencies of `level_ids` that `text` looks like (see `Suggester`)."""
    return Suggester(framework, level_ids)(text)
