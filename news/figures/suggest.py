"""Figure suggestions: find the figures an article's text reports, for an editor to confirm.

Nothing here writes to the database. `suggest_figures()` reads an article's body and proposes
(value, what is counted, the sentence it came from, the best matching metric); the admin shows
the proposals and `services.figures.record_article_figures()` stores only what an editor accepts.

The reading is deliberately simple and predictable: a number (digits with optional thousands
commas, or a number word up to twenty) followed by a noun phrase that runs until punctuation
or a linking word ("with", "for", "to", "were", …). Years, dates, ranges, ranks ("top 10"),
ordinals and percentages are not figures a city reports as a count.
"""

import hashlib
import html
import re
from dataclasses import dataclass
from decimal import Decimal

from news.sanitise import plain_text

from .periods import period_near

NUMBER_WORDS = {
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
    "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14,
    "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19, "twenty": 20,
}  # fmt: skip

#: Words that end the phrase naming what a number counts.
PHRASE_STOPS = {
    "with", "for", "to", "in", "on", "at", "from", "by", "including", "that", "which", "who",
    "were", "was", "are", "is", "have", "has", "had", "as", "of", "into", "onto", "among",
    "held", "released", "certified", "built", "brought", "recognised", "recognized", "over",
    "since", "during", "per", "than", "this", "these", "its", "their", "will", "would", "and",
    "or", "but", "the", "a", "an",
}  # fmt: skip
#: "and" continues a phrase ("engineers and technical managers") unless a new figure follows.
JOINERS = {"and"}
#: A number right after one of these words is a rank or a label, not a count.
NOT_A_COUNT_AFTER = {"top", "no", "no.", "number", "phase", "level", "grade", "class", "page"}
#: Words in a phrase that show it is not a count (times, shares, money, ranks).
NOT_A_COUNT_UNITS = {
    "percent", "per", "%", "years", "year", "months", "month", "days", "day", "times", "th",
    "st", "nd", "rd", "types", "kinds", "ways", "percentage", "level", "levels",
}  # fmt: skip
MAX_PHRASE_WORDS = 9
#: Share of a metric's name words that a phrase must contain for the metric to be proposed.
MATCH_THRESHOLD = 0.5
#: Words too common to say which metric a phrase is about.
MATCH_IGNORE = {"and", "the", "of", "on", "with", "a", "an", "in", "for", "to", "by"}

TOKEN = re.compile(r"[A-Za-z][A-Za-z\-’']*|\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?|[%]")
SENTENCE_END = re.compile(r"(?<=[.!?;])\s+(?=[A-Z0-9“\"])")
PARAGRAPH_END = re.compile(r"\n{2,}")


def fingerprint(sentence: str) -> str:
    """The sentence's identity, whatever its spacing: SHA-256 of its words."""
    return hashlib.sha256(" ".join(sentence.split()).encode()).hexdigest()


@dataclass
class Suggestion:
    value: Decimal
    number_text: str
    phrase: str
    sentence: str
    metric: object = None
    score: float = 0.0
    #: The year or span the sentence names nearest the number, else the first its paragraph
    #: names; or "".
    period: str = ""

    @property
    def fingerprint(self) -> str:
        return fingerprint(self.sentence)

    @property
    def identity(self) -> tuple:
        """What a review of this suggestion is remembered by (with its article)."""
        return (self.fingerprint, self.value, self.phrase[:300])

    @property
    def key(self) -> str:
        """The identity as one short string, for a form to send back."""
        sentence, value, phrase = self.identity
        return hashlib.sha256(f"{sentence}|{value.normalize():f}|{phrase}".encode()).hexdigest()[
            :32
        ]

    @property
    def proposed_unit(self) -> str:
        words = self.phrase.split()
        return words[-1].lower() if words else ""

    @property
    def proposed_name(self) -> str:
        return self.phrase[:1].upper() + self.phrase[1:]


def sentences(text: str) -> list[str]:
    return [sentence for paragraph in paragraphs(text) for sentence in _sentences_of(paragraph)]


def paragraphs(text: str) -> list[str]:
    return [part.strip() for part in PARAGRAPH_END.split(text) if part and part.strip()]


def _sentences_of(paragraph: str) -> list[str]:
    return [part.strip() for part in SENTENCE_END.split(paragraph) if part and part.strip()]


def _number(token: str) -> Decimal | None:
    if token.lower() in NUMBER_WORDS:
        return Decimal(NUMBER_WORDS[token.lower()])
    if token[0].isdigit():
        return Decimal(token.replace(",", ""))
    return None


def _is_year(token: str, next_text: str) -> bool:
    if not re.fullmatch(r"\d{4}", token):
        return False
    return 1900 <= int(token) <= 2100 or next_text.startswith(("-", "–"))


def find_figures(text: str) -> list[Suggestion]:
    """Every (number, counted phrase, sentence, period) in `text`, in reading order."""
    found = []
    for paragraph in paragraphs(text):
        for sentence in _sentences_of(paragraph):
            found.extend(_figures_in(sentence, paragraph))
    return found


def _figures_in(sentence: str, paragraph: str) -> list[Suggestion]:
    found = []
    matches = list(TOKEN.finditer(sentence))
    for index, match in enumerate(matches):
        token = match.group()
        value = _number(token)
        if value is None:
            continue
        following = sentence[match.end() : match.end() + 2]
        previous = matches[index - 1].group().lower() if index else ""
        if (
            _is_year(token, following)
            or following.startswith(("-", "–", "%", ".", "/", ":"))
            or previous in NOT_A_COUNT_AFTER
            or sentence[max(0, match.start() - 1) : match.start()] in {"-", "–", "/"}
        ):
            continue
        phrase_words = []
        for later_index, later in enumerate(matches[index + 1 :], start=index + 1):
            word = later.group()
            gap = sentence[matches[later_index - 1].end() : later.start()]
            if phrase_words and re.search(r"[,;:()\"“”]", gap):
                break
            lowered = word.lower()
            if _number(word) is not None:
                break
            if lowered in JOINERS and phrase_words:
                upcoming = (
                    matches[later_index + 1].group() if later_index + 1 < len(matches) else ""
                )
                if _number(upcoming) is not None:
                    break
                phrase_words.append(word)
                continue
            if lowered in PHRASE_STOPS:
                if phrase_words:
                    break
                continue
            phrase_words.append(word)
            if len(phrase_words) >= MAX_PHRASE_WORDS:
                break
        while phrase_words and phrase_words[-1].lower() in JOINERS:
            phrase_words.pop()
        if not phrase_words or phrase_words[0].lower() in NOT_A_COUNT_UNITS:
            continue
        if any(word.lower() in NOT_A_COUNT_UNITS for word in phrase_words[:1]):
            continue
        # The year nearest the number in its sentence; else the paragraph's first (its setting).
        period = period_near(sentence, match.start()) or period_near(paragraph, 0)
        found.append(Suggestion(value, token, " ".join(phrase_words), sentence, period=period))
    return found


def _stem(word: str) -> str:
    word = word.lower().strip("’'").replace("ization", "isation").replace("izing", "ising")
    for suffix in ("ies", "es", "s"):
        if word.endswith(suffix) and len(word) > len(suffix) + 3:
            word = word[: -len(suffix)] + ("y" if suffix == "ies" else "")
            break
    if word.endswith("al") and len(word) > 6:
        word = word[:-2]
    return word


def _words(text: str) -> set[str]:
    return {
        _stem(part)
        for part in re.split(r"[^A-Za-z]+", text)
        if part and part.lower() not in MATCH_IGNORE
    }


def match_metric(phrase: str, metrics) -> tuple[object, float]:
    """The metric whose name (and unit) best covers `phrase`, with the share of words shared."""
    phrase_words = _words(phrase)
    head = _stem(phrase.split()[-1]) if phrase.split() else ""
    best, best_score = None, 0.0
    for metric in metrics:
        name_words = _words(metric.name)
        unit_words = _words(metric.unit)
        if not name_words or head not in name_words | unit_words:
            continue
        shared = len(phrase_words & name_words)
        score = shared / len(name_words | phrase_words)
        score_in_name = shared / len(name_words)
        combined = (score + score_in_name) / 2
        if combined > best_score:
            best, best_score = metric, combined
    return (best, best_score) if best_score >= MATCH_THRESHOLD / 2 else (None, best_score)


def suggest_figures(body_html: str, metrics) -> list[Suggestion]:
    """Figures found in an article body, each with its best-matching metric (or None)."""
    metrics = list(metrics)
    suggestions = find_figures(plain_text(body_html, keep_blocks=True))
    for suggestion in suggestions:
        suggestion.metric, suggestion.score = match_metric(suggestion.phrase, metrics)
    return suggestions


@dataclass
class Score:
    """How suggestions compare with the figures a text really reports (metric slug → value)."""

    found: int
    correct: int
    wrong: list[Suggestion]
    missed: dict

    @property
    def expected(self) -> int:
        return self.correct + len(self.missed)


def score_suggestions(suggestions: list[Suggestion], expected: dict) -> Score:
    """A suggestion is correct when it proposes the right metric with the right value."""
    remaining = dict(expected)
    wrong = []
    for suggestion in suggestions:
        slug = getattr(suggestion.metric, "slug", None)
        if slug in remaining and remaining[slug] == suggestion.value:
            del remaining[slug]
        else:
            wrong.append(suggestion)
    return Score(len(suggestions), len(suggestions) - len(wrong), wrong, remaining)


_TAG = re.compile(r"(<[^>]+>)")


def link_figures(body_html: str, figures, url_for) -> str:
    """The body with the first mention of each recorded figure linked (to `url_for(figure)`).

    Only numbers that the reader above finds as a count, whose value equals a recorded figure
    and whose wording matches that figure's metric (or whose value is unique among the figures)
    are linked; text already inside a link is left alone. `body_html` is sanitised HTML.
    """
    pending = list(figures)
    if not pending:
        return body_html
    parts = _TAG.split(body_html)
    in_link = 0
    for index, part in enumerate(parts):
        if part.startswith("<"):
            name = part[1:].split(None, 1)[0].rstrip(">").lower() if len(part) > 2 else ""
            if name == "a":
                in_link += 1
            elif name == "/a":
                in_link = max(0, in_link - 1)
            continue
        if in_link or not pending or not part.strip():
            continue
        cursor, pieces = 0, []
        for found in find_figures(html.unescape(part)):
            same_value = [figure for figure in pending if figure.value == found.value]
            if not same_value:
                continue
            chosen = None
            if found.phrase:
                chosen, _ = match_metric(found.phrase, [figure.metric for figure in same_value])
                chosen = next((f for f in same_value if f.metric is chosen), None)
            if chosen is None and len(same_value) == 1 and len(pending) > 0:
                chosen = same_value[0] if found.number_text[0].isdigit() else None
            if chosen is None:
                continue
            number = re.compile(rf"(?<![\w,.]){re.escape(found.number_text)}(?![\w,])")
            match = number.search(part, cursor)
            if match is None:
                continue
            pieces.append(part[cursor : match.start()])
            pieces.append(
                f'<a class="figure-link" href="{html.escape(url_for(chosen))}" '
                f'title="{html.escape(chosen.metric.name)}">{match.group()}</a>'
            )
            cursor = match.end()
            pending.remove(chosen)
        if pieces:
            parts[index] = "".join(pieces) + part[cursor:]
    return "".join(parts)
