# The requests list pages a community's requests of one status in the model's order
# (most urgent first, then oldest): an index in that order, whose first two columns also
# serve every count by status (it replaces the (community, status) index).

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('matching', '0011_candidate_changes'),
    ]

    operations = [
        migrations.RemoveIndex(
            model_name='need',
            name='matching_ne_communi_0bdee6_idx',
        ),
        migrations.AddIndex(
            model_name='need',
            index=models.Index(fields=['community', 'status', '-urgency', 'created_at', 'id'], name='need_list_order'),
        ),
    ]
