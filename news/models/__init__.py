"""The newsroom's data, by part: the city register, articles, their history, figures, what
each member of staff chooses for themselves (people), and the mail the newsroom sends (mail).

Each model's queryset sits beside it and holds the read rules (public(), with_listing_data() …).
"""

from .articles import Article, ArticleQuerySet, ArticleRedirect, BodyImage
from .figures import Metric, MetricValue
from .history import ArticleEvent, ArticleRevision, ChangeNote
from .mail import OutgoingMail
from .people import StaffProfile
from .publication import PublicationState
from .register import City, Designation, Programme, division_code_validator, unique_slug

__all__ = [
    "Article",
    "ArticleEvent",
    "ArticleQuerySet",
    "ArticleRedirect",
    "ArticleRevision",
    "BodyImage",
    "ChangeNote",
    "City",
    "Designation",
    "Metric",
    "MetricValue",
    "OutgoingMail",
    "Programme",
    "PublicationState",
    "StaffProfile",
    "division_code_validator",
    "unique_slug",
]
