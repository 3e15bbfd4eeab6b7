"""Text relevance: tokenising, a light stemmer and BM25 (Robertson/Sparck Jones with the
non-negative idf of Lucene). Plain Python; the vectorised form is in index.py and uses
the same ``TextModel`` numbers, so both paths score alike."""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import lru_cache

_WORD = re.compile(r"[a-z0-9]+")

# Words that say nothing about what kind of help is wanted or offered.
STOPWORDS = frozenset(
    """a about after again all also am an and any anyone are around as at be been before
    being but by can could did do does doing don for from get got had has have having he
    her here hers him his how i if in into is it its just like me might more most my need
    needs needed no nor not now of off on once only or other our ours out over own please
    really same she should so some someone somebody something such than that the their them
    then there these they this those through to too under until up very want wants was we
    were what when where which while who whom why will with would you your yours help helps
    helping helped thank thanks able bit lot still every week weeks day days time times
    maybe abit also very much many one two three""".split()
) | frozenset(
    # Contractions, as they read once the apostrophe is dropped ("can't" -> "cant").
    # "I'll", "we'd" and "she'll" are left out: "ill", "wed", "shell" are words too.
    """cant cannot dont doesnt didnt wont wouldnt couldnt shouldnt isnt arent wasnt werent
    hasnt havent hadnt mustnt neednt im ive youre youve youll youd theyre theyve theyll
    theyd weve were hes shes thats theres whats whos lets""".split()
)
# Everyday words every request or offer may use, that say nothing about the kind of
# help: never a word "in common".
GENERIC = frozenset(
    """helper helpers helpful people person neighbour neighbours neighbor neighbors
    thing things stuff anything everything""".split()
)


@lru_cache(maxsize=65536)
def stem(word: str) -> str:
    """A deliberately light stemmer: plurals and the commonest verb endings, so that
    'cooking', 'cooks' and 'cooked' meet at 'cook', and 'baking' and 'bakes' at 'bake'
    (a short stem ending consonant-vowel-consonant gets its "e" back), without
    mangling short words."""
    if len(word) <= 3 or word.isdigit():
        return word
    for suffix, keep in (("ies", "y"), ("sses", "ss"), ("ing", ""), ("ed", ""), ("es", "")):
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            base = word[: -len(suffix)] + keep
            if suffix in ("ing", "ed"):
                if len(base) > 3 and base[-1] == base[-2] and base[-1] not in "lsz":
                    return base[:-1]  # "shopping" -> "shop", "planned" -> "plan"
                if len(base) <= 4 and _cvc(base):
                    return base + "e"  # "baking" -> "bake", "caring" -> "care"
            if suffix == "es" and not base.endswith(("s", "x", "z", "ch", "sh")):
                return word[:-1]  # "games" -> "game" rather than "gam"
            return base
    if word.endswith("s") and not word.endswith(("ss", "us", "is")):
        return word[:-1]
    return word


def _cvc(base: str) -> bool:
    vowels = "aeiou"
    a, b, c = base[-3], base[-2], base[-1]
    return a not in vowels and b in vowels and c not in vowels and c not in "wxy"


def plain(text: str) -> str:
    """Lower case, apostrophes dropped (straight or curly): "Can’t" -> "cant"."""
    return text.lower().replace("\u2019", "").replace("\u2018", "").replace("'", "")


def raw_words(text: str) -> list[str]:
    """The words as written (lower case, apostrophes dropped), not stemmed."""
    return _WORD.findall(plain(text))


def words(text: str) -> list[str]:
    """Lower-cased alphanumeric words, stemmed, stopwords kept (phrases need them)."""
    return [stem(w) for w in raw_words(text)]


def originals(text: str) -> dict[str, str]:
    """stemmed word -> the word as first written, to show people their own words."""
    out: dict[str, str] = {}
    for w in raw_words(text):
        out.setdefault(stem(w), w)
    return out


def is_stopword(word: str) -> bool:
    """Whether a word as written says nothing on its own: a stop word, a contraction
    or an everyday word like "people" (checked before stemming, so "outing" is not
    "out")."""
    return word in STOPWORDS or word in GENERIC


def terms(text: str) -> list[str]:
    """The stemmed content words of a text, in order, stopwords removed (as written
    and as stemmed: "helping" and "needs" go too)."""
    return [
        s
        for w in raw_words(text)
        if not is_stopword(w) and (s := stem(w)) not in _STEMMED_STOPWORDS and len(s) > 1
    ]


_STEMMED_STOPWORDS = frozenset(stem(w) for w in STOPWORDS | GENERIC) | STOPWORDS | GENERIC

K1, B = 1.2, 0.75


@dataclass
class TextModel:
    """Corpus statistics over the candidates' documents."""

    n_docs: int
    avgdl: float
    df: dict[str, int] = field(default_factory=dict)

    @classmethod
    def build(cls, docs: Iterable[list[str]]) -> TextModel:
        df: Counter[str] = Counter()
        n = total = 0
        for doc in docs:
            n += 1
            total += len(doc)
            df.update(set(doc))
        return cls(n_docs=n, avgdl=(total / n if n else 1.0) or 1.0, df=dict(df))

    @classmethod
    def of_counts(cls, docs: Iterable[tuple[Mapping[str, int], int]]) -> TextModel:
        """The same model from each document's term counts and length."""
        df: Counter[str] = Counter()
        n = total = 0
        for tf, dl in docs:
            n += 1
            total += dl
            df.update(tf.keys())
        return cls(n_docs=n, avgdl=(total / n if n else 1.0) or 1.0, df=dict(df))

    def idf(self, term: str) -> float:
        df = self.df.get(term, 0)
        return math.log(1.0 + (self.n_docs - df + 0.5) / (df + 0.5))

    def query(self, text: str) -> dict[str, float]:
        """Unique query terms known to the corpus, with their idf."""
        return {t: self.idf(t) for t in dict.fromkeys(terms(text)) if t in self.df}

    def term_weight(self, tf: int, doc_len: int) -> float:
        """BM25's saturating term-frequency part, for one term in one document."""
        return tf * (K1 + 1) / (tf + K1 * (1 - B + B * doc_len / self.avgdl))  # see relevance

    def relevance(self, query: dict[str, float], tf: Mapping[str, int], doc_len: int) -> float:
        """BM25 divided by the query's idf mass, then doubled and capped at 1: a document
        holding half of what the query says (by idf) once each scores 1."""
        mass = sum(query.values())
        if mass <= 0:
            return 0.0
        # Same terms, order and arithmetic as term_weight and the index's postings, so
        # both paths get the same float.
        norm = K1 * (1 - B + B * doc_len / self.avgdl)
        bm25 = 0.0
        for t, idf in query.items():
            n = tf.get(t)
            if n:
                bm25 += idf * (n * (K1 + 1) / (n + norm))
        return min(1.0, 2.0 * bm25 / mass)
