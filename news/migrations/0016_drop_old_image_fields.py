"""The hero fields and images for the text, now in the media library (0012), are dropped."""

import django.contrib.postgres.search
import django.core.validators
import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('news', '0015_media_library'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RemoveField(
            model_name='article',
            name='hero_alt',
        ),
        migrations.RemoveField(
            model_name='article',
            name='hero_caption',
        ),
        migrations.RemoveField(
            model_name='article',
            name='hero_credit',
        ),
        migrations.RemoveField(
            model_name='article',
            name='hero_height',
        ),
        migrations.RemoveField(
            model_name='article',
            name='hero_image',
        ),
        migrations.RemoveField(
            model_name='article',
            name='hero_renditions',
        ),
        migrations.RemoveField(
            model_name='article',
            name='hero_width',
        ),
        migrations.DeleteModel(
            name='BodyImage',
        ),
    ]
