"""The newsroom's data, by part: the city register, articles, their history, figures, the
history of the register and figures (changes), review comments on articles (review), what each
member of staff chooses for themselves (people), the mail the newsroom sends (mail), and each
writer's autosaved copy of an edit form (drafts).

Each model's queryset sits beside it and holds the read rules (public(), with_listing_data() …).
"""

from .articles import Article, ArticleQuerySet, ArticleRedirect
from .changes import CsvImport
from .drafts import DraftCopy
from .figures import Metric, MetricValue, ReviewedFigure
from .history import ArticleEvent, ArticleRevision, ChangeNote
from .mail import OutgoingMail
from .media import Image, ImageQuerySet, MediaTag, TaggedImage
from .people import StaffProfile
from .publication import PublicationState
from .register import City, Designation, Programme, division_code_validator, unique_slug
from .review import COMMENT_MAX_CHARACTERS, ReviewComment

__all__ = [
    "COMMENT_MAX_CHARACTERS",
    "Article",
    "ArticleEvent",
    "ArticleQuerySet",
    "ArticleRedirect",
    "ArticleRevision",
    "ChangeNote",
    "City",
    "CsvImport",
    "DraftCopy",
    "Designation",
    "Image",
    "ImageQuerySet",
    "MediaTag",
    "Metric",
    "MetricValue",
    "OutgoingMail",
    "Programme",
    "ReviewComment",
    "ReviewedFigure",
    "PublicationState",
    "StaffProfile",
    "TaggedImage",
    "division_code_validator",
    "unique_slug",
]
