"""The one error every service raises: a change the newsroom's rules refuse, said for a person."""


class NewsroomError(Exception):
    """A refused change. `message` is written for the person who tried it; `field` names the
    form field it belongs to, when there is one, so a form can show it in the right place."""

    def __init__(self, message: str, *, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field


class WorkflowError(NewsroomError):
    """A step the acting user may not take, or that the article's status does not allow."""


class EditConflict(WorkflowError):
    """Someone saved the article after this edit's form was opened; their work is kept."""

    def __init__(self, message: str, *, current_version: int):
        super().__init__(message)
        self.current_version = current_version


class CityRecordError(NewsroomError):
    """A change to the city register was refused."""


class FigureError(NewsroomError):
    """A figure could not be recorded."""


class ReviewError(NewsroomError):
    """A review comment that may not be written, resolved or reopened, or whose text is not
    acceptable (empty, too long)."""
