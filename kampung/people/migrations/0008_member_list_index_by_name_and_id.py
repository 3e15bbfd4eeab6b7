# The people list pages a community's members by (name, id): an index in that whole
# order, so no page sorts (it replaces the (community, name) index).

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('people', '0007_member_search_and_joined_indexes'),
    ]

    operations = [
        migrations.RemoveIndex(
            model_name='member',
            name='people_memb_communi_6dfd8f_idx',
        ),
        migrations.AddIndex(
            model_name='member',
            index=models.Index(fields=['community', 'display_name', 'id'], name='member_by_name'),
        ),
    ]
