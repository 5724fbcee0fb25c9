"""The media library: every hero image and image for the text becomes a library Image.

The rows take over the stored files and renditions by name (nothing is copied or re-encoded),
each article points at its hero's Image, and each <img> in a body that shows an image for the
text gains the library's id (data-image-id), keeping its place and its address. Reversible: going
back puts the hero fields and images for the text back from the library.
"""

import re
from urllib.parse import unquote

import django.core.validators
import django.db.models.deletion
import django.utils.timezone
import taggit.managers
from django.conf import settings
from django.db import migrations, models

_IMG = re.compile(r"<img\s([^>]*?)\s*/?>")
_SRC = re.compile(r'(?:^|\s)src="([^"]*)"')
_IMAGE_ID = re.compile(r'\sdata-image-id="(\d+)"')


def _stored_name(src: str) -> str | None:
    """The stored name an <img src> points at, if it is under the storage's or MEDIA_URL's."""
    from django.core.files.storage import default_storage

    # The storage's root address, from a folder's (a bucket has no address for "").
    folder = default_storage.url("library/")
    for prefix in {folder[: folder.rindex("library/")], settings.MEDIA_URL}:
        if prefix and src.startswith(prefix):
            name = unquote(src.removeprefix(prefix))
            if ".." not in name and not name.startswith("/"):
                return name
    return None


def _with_image_ids(body: str, ids_by_name: dict[str, int]) -> str:
    def mark(match):
        attributes = match.group(1)
        src = _SRC.search(attributes)
        image_id = ids_by_name.get(_stored_name(src.group(1)) or "") if src else None
        if image_id is None or "data-image-id=" in attributes:
            return match.group(0)
        return f'<img {attributes} data-image-id="{image_id}">'

    return _IMG.sub(mark, body)


def into_library(apps, schema_editor):
    Article = apps.get_model("news", "Article")
    BodyImage = apps.get_model("news", "BodyImage")
    Image = apps.get_model("news", "Image")
    for article in Article.objects.exclude(hero_image="").order_by("pk").iterator():
        image = Image.objects.create(
            title=article.title[:200],
            alt_text=article.hero_alt,
            caption=article.hero_caption,
            credit=article.hero_credit,
            file=article.hero_image.name,
            width=article.hero_width,
            height=article.hero_height,
            renditions=article.hero_renditions or [],
            uploaded_by_id=article.author_id,
            uploaded_at=article.created_at,
        )
        Article.objects.filter(pk=article.pk).update(hero=image)
    ids_by_article: dict[int, dict[str, int]] = {}
    for body_image in BodyImage.objects.select_related("article").order_by("pk").iterator():
        image = Image.objects.create(
            title=(body_image.alt_text or body_image.article.title)[:200],
            alt_text=body_image.alt_text,
            file=body_image.image.name,
            width=body_image.width,
            height=body_image.height,
            renditions=body_image.renditions or [],
            uploaded_by_id=body_image.article.author_id,
            uploaded_at=body_image.uploaded_at,
        )
        ids_by_article.setdefault(body_image.article_id, {})[body_image.image.name] = image.pk
    for article in Article.objects.filter(pk__in=ids_by_article).only("pk", "body"):
        body = _with_image_ids(article.body, ids_by_article[article.pk])
        if body != article.body:
            Article.objects.filter(pk=article.pk).update(body=body)


def out_of_library(apps, schema_editor):
    Article = apps.get_model("news", "Article")
    BodyImage = apps.get_model("news", "BodyImage")
    Image = apps.get_model("news", "Image")
    for article in Article.objects.exclude(hero=None).select_related("hero"):
        hero = article.hero
        Article.objects.filter(pk=article.pk).update(
            hero_image=hero.file.name, hero_width=hero.width, hero_height=hero.height,
            hero_renditions=hero.renditions, hero_alt=hero.alt_text, hero_caption=hero.caption,
            hero_credit=hero.credit,
        )  # fmt: skip
    for article in Article.objects.filter(body__contains="data-image-id=").only("pk", "body"):
        ids = {int(found) for found in _IMAGE_ID.findall(article.body)}
        for image in Image.objects.filter(pk__in=ids):
            BodyImage.objects.create(
                article_id=article.pk, image=image.file.name, alt_text=image.alt_text,
                width=image.width, height=image.height, renditions=image.renditions,
                uploaded_at=image.uploaded_at,
            )  # fmt: skip
        Article.objects.filter(pk=article.pk).update(body=_IMAGE_ID.sub("", article.body))


class Migration(migrations.Migration):

    dependencies = [
        ('news', '0014_draft_copies'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='MediaTag',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('name', models.CharField(max_length=100, unique=True, verbose_name='name')),
                ('slug', models.SlugField(allow_unicode=True, max_length=100, unique=True, verbose_name='slug')),
            ],
            options={
                'verbose_name': 'image tag',
                'verbose_name_plural': 'image tags',
            },
        ),
        migrations.CreateModel(
            name='Image',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('title', models.CharField(help_text='For finding the image again in the library; readers do not see it.', max_length=200, verbose_name='title')),
                ('alt_text', models.CharField(help_text='What the image shows, for people who cannot see it. Printed wherever it is.', max_length=250, verbose_name='alt text')),
                ('caption', models.CharField(blank=True, help_text="Printed under the image when it is an article's hero.", max_length=300, verbose_name='caption')),
                ('credit', models.CharField(blank=True, help_text='e.g. Photo: Xinhua.', max_length=200, verbose_name='credit')),
                ('focal_x', models.FloatField(blank=True, help_text='From 0 (left edge) to 1 (right edge): the part to keep when the image is cropped for link previews. Leave both empty for the centre.', null=True, validators=[django.core.validators.MinValueValidator(0.0), django.core.validators.MaxValueValidator(1.0)], verbose_name='focal point across')),
                ('focal_y', models.FloatField(blank=True, help_text='From 0 (top edge) to 1 (bottom edge).', null=True, validators=[django.core.validators.MinValueValidator(0.0), django.core.validators.MaxValueValidator(1.0)], verbose_name='focal point down')),
                ('file', models.ImageField(help_text='A JPEG, PNG or WebP photo. Location and camera data are removed on upload, and resized copies are made once.', upload_to='library/', verbose_name='file')),
                ('width', models.PositiveIntegerField(blank=True, editable=False, null=True, verbose_name='width')),
                ('height', models.PositiveIntegerField(blank=True, editable=False, null=True, verbose_name='height')),
                ('renditions', models.JSONField(blank=True, default=list, editable=False, help_text='Resized copies made once at upload: width, height, format and file name.', verbose_name='renditions')),
                ('uploaded_at', models.DateTimeField(default=django.utils.timezone.now, editable=False, verbose_name='uploaded at')),
                ('uploaded_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='uploaded_images', to=settings.AUTH_USER_MODEL, verbose_name='uploaded by')),
            ],
            options={
                'verbose_name': 'image',
                'verbose_name_plural': 'media library',
                'ordering': ['-uploaded_at', '-pk'],
            },
        ),
        migrations.AddField(
            model_name='article',
            name='hero',
            field=models.ForeignKey(blank=True, help_text="The picture at the top of the article, from the media library; its alt text, caption and credit are the library's.", null=True, on_delete=django.db.models.deletion.PROTECT, related_name='hero_of', to='news.image', verbose_name='hero image'),
        ),
        migrations.CreateModel(
            name='TaggedImage',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('content_object', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, to='news.image')),
                ('tag', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='tagged_images', to='news.mediatag')),
            ],
            options={
                'verbose_name': 'tagged image',
                'verbose_name_plural': 'tagged images',
            },
        ),
        migrations.AddField(
            model_name='image',
            name='tags',
            field=taggit.managers.TaggableManager(blank=True, help_text='Comma-separated words to find the image by, e.g. aerial, Baotou.', through='news.TaggedImage', to='news.MediaTag', verbose_name='image tags'),
        ),
        migrations.AddConstraint(
            model_name='taggedimage',
            constraint=models.UniqueConstraint(fields=('content_object', 'tag'), name='image_tag_once'),
        ),
        migrations.AddConstraint(
            model_name='image',
            constraint=models.CheckConstraint(condition=models.Q(models.Q(('focal_x__isnull', True), ('focal_y__isnull', True)), models.Q(('focal_x__gte', 0), ('focal_x__lte', 1), ('focal_y__gte', 0), ('focal_y__lte', 1)), _connector='OR'), name='image_focal_point_inside'),
        ),
        migrations.RunPython(into_library, out_of_library),
    ]
