from django.db import migrations


def seed(apps, schema_editor):
    from terminals.catalogue import MODELS

    TerminalModel = apps.get_model("terminals", "TerminalModel")
    for manufacturer, name, kind, comm_types, _firmware in MODELS:
        TerminalModel.objects.update_or_create(
            manufacturer=manufacturer, name=name, defaults={"kind": kind, "comm_types": comm_types}
        )


class Migration(migrations.Migration):
    dependencies = [("terminals", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
