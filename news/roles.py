"""The newsroom's three roles and the permissions each one holds.

The groups are created by a data migration and refreshed by `manage.py ensure_roles` (which
`make run` calls), both through `ensure_roles()`, so adding a permission here and running the
command updates every site.
"""

WRITER = "Writer"
EDITOR = "Editor"
RECORDS_ADMIN = "Records admin"

RECORD_MODELS = ["city", "programme", "designation", "metric", "metricvalue"]


def _crud(model: str, *verbs: str) -> list[tuple[str, str]]:
    return [("news", f"{verb}_{model}") for verb in verbs]


ROLE_PERMISSIONS: dict[str, list[tuple[str, str]]] = {
    # Writers write and submit; what they may change is narrowed further per article
    # (their own drafts and articles in review) by news.services.can_edit().
    WRITER: [
        *_crud("article", "add", "change", "view"),
        # The media library: writers upload and use images, and change the words of their own
        # uploads (may_edit_image); deleting is for editors (may_delete_images).
        *_crud("image", "add", "change", "view"),
        *_crud("city", "view"),
        *_crud("programme", "view"),
        ("taggit", "view_tag"),
    ],
    EDITOR: [
        *_crud("article", "add", "change", "delete", "view"),
        *_crud("image", "add", "change", "delete", "view"),
        ("news", "publish_article"),
        ("news", "edit_any_article"),
        *_crud("city", "view"),
        *_crud("programme", "view"),
        *_crud("metric", "view"),
        *_crud("metricvalue", "view"),
        ("taggit", "view_tag"),
        ("taggit", "add_tag"),
        ("taggit", "change_tag"),
        ("news", "view_csvimport"),
    ],
    RECORDS_ADMIN: [
        *[
            perm
            for model in RECORD_MODELS
            for perm in _crud(model, "add", "change", "delete", "view")
        ],
        *_crud("article", "view"),
        ("news", "view_csvimport"),
    ],
}


def may_confirm_figures(user, article) -> bool:
    """Who may record (and dismiss) the figures an article's text reports, from its suggested
    figures: records admins on any article (they keep the figures, and never change the article
    for it); everyone who may edit the article (editors any, writers their own drafts and
    articles in review), since writers record the figures their article reports. Recording goes
    through services.figures, which asks this too, whatever the user's own figure permissions."""
    # Imported here: this module is loaded by migrations, before the models are.
    from news.services.workflow import can_edit

    return user.has_perm("news.add_metricvalue") or can_edit(user, article)


def may_read_comments(user, article) -> bool:
    """Everyone who may open the article in the newsroom reads its review thread (records
    admins and other writers too: read-only for them)."""
    return user.has_perm("news.view_article") or user.has_perm("news.change_article")


def may_comment(user, article) -> bool:
    """Who may write in an article's review thread, and resolve or reopen its comments: its
    writer (on their own article, whatever its status, while they hold a writer's or editor's
    permissions) and everyone who may review and publish. Not other writers on someone else's
    article, nor people who may only view articles (records admins). Review comments go
    through services.review, which asks this too."""
    # Imported here: this module is loaded by migrations, before the models are.
    from news.services.workflow import may_publish

    if may_publish(user):
        return True
    return (
        user.has_perm("news.change_article")
        and article.author_id is not None
        and article.author_id == user.pk
    )


def may_upload_images(user) -> bool:
    """Writers and editors add images to the shared library."""
    return user.has_perm("news.add_image")


def may_edit_image(user, image) -> bool:
    """Who may change an image's words and focal point: editors any image (the words print on
    every article that shows it, published ones too), writers the images they uploaded."""
    if not user.has_perm("news.change_image"):
        return False
    return user.has_perm("news.edit_any_article") or image.uploaded_by_id == user.pk


def may_delete_images(user) -> bool:
    """Deleting is for editors only: the library is shared, and an image nobody shows today
    may be the one a colleague is about to choose. Images in use are never deleted
    (services.media.delete_image refuses, naming the articles)."""
    return user.has_perm("news.delete_image")


def ensure_roles(group_model, permission_model) -> dict[str, int]:
    """Create or refresh the three groups; returns how many permissions each one holds.

    Takes the models as arguments so the data migration can pass its historical ones.
    """
    counts = {}
    for name, codenames in ROLE_PERMISSIONS.items():
        group, _ = group_model.objects.get_or_create(name=name)
        permissions = []
        for app_label, codename in codenames:
            permission = permission_model.objects.filter(
                content_type__app_label=app_label, codename=codename
            ).first()
            if permission is None:
                raise LookupError(f"Permission {app_label}.{codename} does not exist yet.")
            permissions.append(permission)
        group.permissions.set(permissions)
        counts[name] = len(permissions)
    return counts
