# The map's list pages a community's active assets by name: an index in that order.

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('assets', '0004_text_and_list_size_limits'),
    ]

    operations = [
        migrations.AddIndex(
            model_name='asset',
            index=models.Index(fields=['community', 'status', 'name', 'id'], name='asset_list_by_name'),
        ),
    ]
