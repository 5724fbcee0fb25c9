"""The phrases the newsroom writes on its own records — a revision's comment ("Edited"), an
audit event's note ("for 2024-03-01 10:00"), the reason on a history row ("Merged … into …") —
stored in English whoever acted, and shown in each reader's language.

A record keeps what happened, not the language of the person who did it: a Chinese editor's
restore and an English one's read the same in the database, and each reader sees the phrase in
their own language. Each phrase is a catalogue message (marked with gettext_noop, so
makemessages finds it) whose named placeholders hold what varies; calling it gives the English
text to store, and `in_language()` turns a stored text back into the active language by
matching it against every phrase. Text people wrote themselves (a change note, a reason for a
withdrawal) matches no phrase and is shown as written.
"""

import re

from django.utils.translation import gettext, gettext_noop, override

from news.models import ArticleEvent


class Phrase:
    """One recorded phrase: `Phrase(...)(**values)` is its English text, `read()` its text in
    the active language for a stored text that is this phrase, else None."""

    def __init__(self, message: str):
        self.message = message
        parts = re.split(r"%\((\w+)\)s", message)
        self.pattern = re.compile(
            "".join(
                re.escape(part) if index % 2 == 0 else f"(?P<{part}>.+)"
                for index, part in enumerate(parts)
            ),
            re.DOTALL,
        )

    def __call__(self, **values) -> str:
        return self.message % values

    def read(self, text: str) -> str | None:
        match = self.pattern.fullmatch(text)
        if match is None:
            return None
        return gettext(self.message) % match.groupdict()


# Revisions' comments (a workflow step's comment is its audit action's name: step()).
CREATED = Phrase(gettext_noop("Created"))
EDITED = Phrase(gettext_noop("Edited"))
MINOR_CHANGE = Phrase(gettext_noop("Minor change"))
MAJOR_CHANGE = Phrase(gettext_noop("Major change: %(note)s"))
RESTORED = Phrase(gettext_noop("Restored revision %(number)s"))
# Audit events' notes.
RESTORED_FROM = Phrase(gettext_noop("revision %(number)s"))
SCHEDULED_FOR = Phrase(gettext_noop("for %(time)s"))
# Reasons on the history of the register and figures.
MERGED = Phrase(gettext_noop("Merged %(source)s into %(into)s"))
PUT_BACK = Phrase(gettext_noop("Put back as it was on %(when)s"))
SOURCE_DELETED = Phrase(gettext_noop("Source article “%(title)s” deleted"))
RECORDED_FROM = Phrase(gettext_noop("Recorded from “%(title)s”"))
EDITED_ON = Phrase(gettext_noop("Edited on “%(title)s”"))
CSV_IMPORT_OF_A_FILE = Phrase(gettext_noop("CSV import #%(number)s of a file"))
CSV_IMPORT = Phrase(gettext_noop("CSV import #%(number)s of %(file)s"))

#: Every phrase, the more particular before the more general.
PHRASES = [
    CREATED, EDITED, MINOR_CHANGE, MAJOR_CHANGE, RESTORED, RESTORED_FROM, SCHEDULED_FOR, MERGED,
    PUT_BACK, SOURCE_DELETED, RECORDED_FROM, EDITED_ON, CSV_IMPORT_OF_A_FILE, CSV_IMPORT,
]  # fmt: skip


def step(action: str) -> str:
    """A workflow step's audit action ("Submitted for review") in English: its revision's
    comment."""
    with override("en"):
        return str(ArticleEvent.Action(action).label)


def in_language(text: str) -> str:
    """A stored text in the active language if it is one of the phrases, else as stored."""
    if not text:
        return text
    for value, label in ArticleEvent.Action.choices:
        if text == step(value):
            return str(label)
    for phrase in PHRASES:
        said = phrase.read(text)
        if said is not None:
            return said
    return text
