from django.db import migrations


class Migration(migrations.Migration):
    """Messages moved to kampung.notices, which took over the table as it is: forget
    the model here without touching the database."""

    dependencies = [
        ('matching', '0007_need_kind_guessed_description_optional'),
        ('notices', '0001_initial'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name='Notification')],
            database_operations=[],
        ),
    ]
