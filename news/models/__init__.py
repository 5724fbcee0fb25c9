"""The newsroom's data, by part: the city register, articles, their history, figures, the
history of the register and figures (changes), what each member of staff chooses for
themselves (people), and the mail the newsroom sends (mail).

Each model's queryset sits beside it and holds the read rules (public(), with_listing_data() …).
"""

from .articles import Article, ArticleQuerySet, ArticleRedirect
from .changes import CsvImport
from .figures import Metric, MetricValue, ReviewedFigure
from .history import ArticleEvent, ArticleRevision, ChangeNote
from .mail import OutgoingMail
from .media import Image, ImageQuerySet, MediaTag, TaggedImage
from .people import StaffProfile
from .publication import PublicationState
from .register import City, Designation, Programme, division_code_validator, unique_slug

__all__ = [
    "Article",
    "ArticleEvent",
    "ArticleQuerySet",
    "ArticleRedirect",
    "ArticleRevision",
    "ChangeNote",
    "City",
    "CsvImport",
    "Designation",
    "Image",
    "ImageQuerySet",
    "MediaTag",
    "Metric",
    "MetricValue",
    "OutgoingMail",
    "Programme",
    "ReviewedFigure",
    "PublicationState",
    "StaffProfile",
    "TaggedImage",
    "division_code_validator",
    "unique_slug",
]
