# The map's list pages a community's active assets by name: an index in that order.

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('assets', '0005_asset_tags_keyed_by_community'),
    ]

    operations = [
        migrations.AddIndex(
            model_name='asset',
            index=models.Index(fields=['community', 'status', 'name', 'id'], name='asset_list_by_name'),
        ),
    ]
