"""CSV import and export of the city register (key: slug), all or nothing."""

from django.core.exceptions import ValidationError
from django.utils.text import slugify
from django.utils.translation import gettext

from news.models import City, division_code_validator
from news.search.index import refresh_articles_about
from news.services.changes import bulk_history

from .rows import (
    WRITE_BATCH_SIZE,
    ImportResult,
    Progress,
    RowError,
    csv_text,
    import_reason,
    report_progress,
    run_import,
)

CITY_COLUMNS = ["slug", "name", "name_zh", "province", "level", "division_code", "summary"]
#: Columns whose text may span lines (and hold tabs): the rest are one line each.
CITY_MULTILINE_COLUMNS = frozenset({"summary"})

LEVELS_BY_TEXT = {
    **{value: value for value in City.Level.values},
    **{label.lower(): value for value, label in City.Level.choices},
}


def import_cities(
    *,
    data: bytes,
    dry_run: bool = False,
    by=None,
    progress: Progress | None = None,
    file_name: str = "",
) -> ImportResult:
    """Create or update cities from CSV (key: slug). Writes nothing if any row is bad."""
    return run_import(
        kind="cities", data=data, columns=CITY_COLUMNS, check=_check_cities,
        write=lambda plan, progress, record: _write_cities(plan, progress, record, by),
        dry_run=dry_run, by=by, progress=progress, file_name=file_name,
        multiline=CITY_MULTILINE_COLUMNS,
    )  # fmt: skip


def _check_cities(rows, result: ImportResult, progress) -> tuple[list[City], list[City]]:
    existing = {city.slug: city for city in City.objects.all()}
    code_owner = {city.division_code: city.slug for city in existing.values() if city.division_code}
    seen_slugs: dict[str, int] = {}
    seen_codes: dict[str, int] = {}
    to_create: list[City] = []
    to_update: list[City] = []
    total = len(rows)
    for done, (line, row) in enumerate(rows, start=1):
        report_progress(progress, "checking", done, total)
        errors, values = _check_city_row(line, row)
        slug = values.get("slug", "")
        if slug:
            if slug in seen_slugs:
                errors.append(
                    RowError(
                        line,
                        "slug",
                        gettext("duplicate key: “%(slug)s” is already on line %(line)s.")
                        % {"slug": slug, "line": seen_slugs[slug]},
                    )
                )
            else:
                seen_slugs[slug] = line
        code = values.get("division_code")
        if code:
            if code in seen_codes:
                errors.append(
                    RowError(
                        line,
                        "division_code",
                        gettext(
                            "duplicate key: division code %(code)s is already on line %(line)s."
                        )
                        % {"code": code, "line": seen_codes[code]},
                    )
                )
            else:
                seen_codes[code] = line
            owner = code_owner.get(code)
            if owner and owner != slug:
                errors.append(
                    RowError(
                        line,
                        "division_code",
                        gettext("division code %(code)s already belongs to the city “%(city)s”.")
                        % {"code": code, "city": owner},
                    )
                )
        if errors:
            result.errors.extend(errors)
            continue
        city = existing.get(slug)
        if city is None:
            to_create.append(City(**values))
            result.created.append(values)
            continue
        differences = {
            name: value for name, value in values.items() if getattr(city, name) != value
        }
        if differences:
            for name, value in differences.items():
                setattr(city, name, value)
            to_update.append(city)
            result.changed.append(values)
        else:
            result.unchanged += 1
    return to_create, to_update


def _write_cities(plan, progress, record, by) -> None:
    """Create and update in bulk; every city's history row points at the import `record`."""
    to_create, to_update = plan
    created = City.objects.bulk_create(to_create, batch_size=WRITE_BATCH_SIZE)
    if created and created[0].pk is None:  # a database that returns no keys from an insert
        created = list(City.objects.filter(slug__in=[city.slug for city in to_create]))
    City.objects.bulk_update(
        to_update,
        ["name", "name_zh", "province", "level", "division_code", "summary"],
        batch_size=WRITE_BATCH_SIZE,
    )
    history = {"model": City, "by": by, "reason": import_reason(record), "csv_import": record}
    bulk_history(created, changed=False, **history)
    bulk_history(to_update, changed=True, **history)
    refresh_articles_about(city.pk for city in to_update)


def _check_city_row(line: int, row: dict) -> tuple[list[RowError], dict]:
    errors: list[RowError] = []
    values = {name: row[name] for name in CITY_COLUMNS}
    if not values["name"] and not values["name_zh"]:
        errors.append(RowError(line, "name", gettext("a city needs an English or a Chinese name.")))
    if not values["slug"] and (values["name"] or values["name_zh"]):
        values["slug"] = slugify(City(name=values["name"], name_zh=values["name_zh"]).slug_source())
    if values["slug"] and slugify(values["slug"]) != values["slug"]:
        errors.append(
            RowError(
                line, "slug", gettext("a slug uses only lower-case letters, digits and hyphens.")
            )
        )
    if not values["province"]:
        errors.append(RowError(line, "province", gettext("the province is missing.")))
    level = LEVELS_BY_TEXT.get(values["level"].lower())
    if level is None:
        allowed = ", ".join(City.Level.values)
        errors.append(
            RowError(
                line,
                "level",
                gettext("unknown level “%(level)s”; use one of %(allowed)s.")
                % {"level": values["level"], "allowed": allowed},
            )
        )
    else:
        values["level"] = level
    code = values["division_code"] or None
    values["division_code"] = code
    if code:
        try:
            division_code_validator(code)
        except ValidationError as error:
            errors.append(RowError(line, "division_code", error.messages[0]))
    for name in ["slug", "name", "name_zh", "province"]:
        limit = City._meta.get_field(name).max_length
        if values[name] and len(values[name]) > limit:
            errors.append(
                RowError(
                    line, name, gettext("longer than %(limit)s characters.") % {"limit": limit}
                )
            )
    return errors, values


def export_cities(cities=None) -> str:
    """The cities (a queryset; all by default) as CSV text, in the format import_cities reads."""
    cities = (City.objects.all() if cities is None else cities).order_by("slug")
    return csv_text(
        CITY_COLUMNS,
        (
            [city.slug, city.name, city.name_zh, city.province, city.level,
             city.division_code or "", city.summary]
            for city in cities
        ),
    )  # fmt: skip
