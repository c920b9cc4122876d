from django.db import migrations


def seed(apps, schema_editor):
    from payments.response_code_data import seed_response_codes

    seed_response_codes(apps.get_model("payments", "ResponseCode"))


class Migration(migrations.Migration):
    dependencies = [("payments", "0002_partition_transactions")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
