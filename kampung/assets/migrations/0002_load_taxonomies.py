from django.db import migrations


def load(apps, schema_editor):
    from kampung.assets.taxonomy import load_tags

    load_tags(apps.get_model("assets", "Tag"))


class Migration(migrations.Migration):
    dependencies = [("assets", "0001_initial")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
