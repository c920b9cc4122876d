from django.db import migrations


def seed(apps, schema_editor):
    from directory.seed import seed_directory

    seed_directory(
        apps.get_model("directory", "Institution"),
        apps.get_model("directory", "Hotline"),
        apps.get_model("directory", "HotlineWindow"),
        apps.get_model("directory", "RegisteredNumber"),
    )


class Migration(migrations.Migration):
    dependencies = [("directory", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
