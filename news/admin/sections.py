"""The admin's navigation by the newsroom's parts, not by Django app: Newsroom, Register,
Figures, People. The sidebar, the phone menu and each section's page draw these.

`SECTIONS` is a plain list: a part of the newsroom that registers a new model adds it to its
section here. A registered model no section names is listed under "Other", so nothing the
admin offers goes missing from the navigation.
"""

from dataclasses import dataclass

from django.urls import reverse
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class Section:
    key: str
    title: str
    #: (app label, model name, the model's name in the navigation), in the order shown.
    models: list[tuple[str, str, str]]


SECTIONS = [
    Section("newsroom", _("Newsroom"), [
        ("news", "article", _("Articles")),
        ("news", "image", _("Media library")),
        ("taggit", "tag", _("Tags")),
    ]),
    Section("register", _("Register"), [
        ("news", "city", _("Cities")),
        ("news", "programme", _("Programmes")),
        ("news", "designation", _("Designations")),
    ]),
    Section("figures", _("Figures"), [
        ("news", "metric", _("Metrics")),
        ("news", "metricvalue", _("Figure values")),
        ("news", "csvimport", _("CSV imports")),
    ]),
    Section("people", _("People"), [
        ("auth", "user", _("Users")),
        ("auth", "group", _("Groups")),
        ("axes", "accessattempt", _("Sign-in attempts")),
        ("axes", "accessfailurelog", _("Failed sign-ins")),
        ("axes", "accesslog", _("Sign-in log")),
        ("news", "outgoingmail", _("Outbox")),
    ]),
]  # fmt: skip
OTHER = Section("other", _("Other"), [])


def grouped(app_dict: dict, current_app: str) -> list[dict]:
    """Django's app dictionary (AdminSite._build_app_dict: app label → its models, only those
    the user may see) as the sections' list, in the shape the admin's templates draw."""
    models = {
        (app_label, model["object_name"].lower()): model
        for app_label, app in app_dict.items()
        for model in app["models"]
    }
    listed = set()
    sections = []
    for section in SECTIONS:
        entries = []
        for app_label, model_name, name in section.models:
            model = models.get((app_label, model_name))
            if model is not None:
                entries.append({**model, "name": name})
                listed.add((app_label, model_name))
        sections.append((section, entries))
    others = [model for key, model in models.items() if key not in listed]
    sections.append((OTHER, sorted(others, key=lambda model: str(model["name"]))))
    return [
        {
            "name": section.title,
            "app_label": section.key,
            "app_url": reverse("admin:section", args=[section.key], current_app=current_app),
            "has_module_perms": True,
            "models": entries,
        }
        for section, entries in sections
        if entries
    ]
