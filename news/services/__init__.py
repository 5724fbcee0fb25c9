"""Every write with rules goes through a function here: keyword-only arguments, the acting user,
one transaction, the changed object back, and a NewsroomError with a readable message when the
rules refuse. Modules by part: articles (create, edit, restore, delete), workflow (who may do
what, status steps), history (versions, revisions, diffs), register (cities), figures, and
records (rows with no rule beyond their form), people (staff preferences), review (comments on
an article's review thread), drafts (each writer's autosaved copy of an edit form); changes (who
made a change to the register or figures, on its history) and put_back (a record as it was);
notifications (the mail a workflow step queues, and for whom) and delivery (sending queued
mail, retries).
"""

from .articles import RowChange, create_article, delete_article, edit_article, restore_revision
from .drafts import DraftCopyError, discard_draft_copy, keep_draft_copy
from .errors import (
    CityRecordError,
    EditConflict,
    FigureError,
    NewsroomError,
    ReviewError,
    WorkflowError,
)
from .figures import (
    AcceptedFigure,
    bring_back_figures,
    pending_suggestions,
    record_article_figures,
    refresh_figures_awaiting,
    save_article_figures,
)
from .history import diff_revisions, record_revision, save_version, snapshot
from .people import update_preferences
from .put_back import PutBackError, put_back_record
from .records import delete_records, save_record
from .register import city_delete_blockers, delete_city, merge_cities, save_city
from .review import add_comment, reopen_comment, resolve_comment
from .workflow import (
    TRANSITION_FUNCTIONS,
    TRANSITIONS,
    Transition,
    allowed_transitions,
    archive_article,
    can_edit,
    may_publish,
    may_take,
    publish_article,
    return_to_draft,
    submit_for_review,
    unpublish_article,
    withdraw_article,
)

__all__ = [
    "TRANSITIONS",
    "TRANSITION_FUNCTIONS",
    "AcceptedFigure",
    "CityRecordError",
    "DraftCopyError",
    "EditConflict",
    "FigureError",
    "NewsroomError",
    "PutBackError",
    "ReviewError",
    "RowChange",
    "Transition",
    "WorkflowError",
    "add_comment",
    "allowed_transitions",
    "archive_article",
    "bring_back_figures",
    "can_edit",
    "city_delete_blockers",
    "create_article",
    "delete_article",
    "delete_city",
    "delete_records",
    "diff_revisions",
    "discard_draft_copy",
    "edit_article",
    "keep_draft_copy",
    "may_publish",
    "may_take",
    "merge_cities",
    "pending_suggestions",
    "publish_article",
    "put_back_record",
    "record_article_figures",
    "record_revision",
    "reopen_comment",
    "resolve_comment",
    "refresh_figures_awaiting",
    "restore_revision",
    "return_to_draft",
    "save_article_figures",
    "save_city",
    "save_record",
    "save_version",
    "snapshot",
    "submit_for_review",
    "unpublish_article",
    "update_preferences",
    "withdraw_article",
]
