"""Default service hours, SLA policies and the three tier queues (editable in the admin)."""

from django.db import migrations


def forwards(apps, schema_editor):
    from desk.defaults import install_defaults

    install_defaults(
        apps.get_model("desk", "BusinessCalendar"),
        apps.get_model("desk", "SLAPolicy"),
        apps.get_model("desk", "Queue"),
    )


def backwards(apps, schema_editor):
    for name in ("SLAPolicy", "BusinessCalendar", "Queue"):
        apps.get_model("desk", name).objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("desk", "0001_initial")]
    operations = [migrations.RunPython(forwards, backwards)]
