"""Team accounts: the plain merchant ↔ user many-to-many becomes `Membership` with a role and a
shop. The table stays (`merchants_merchant_members`, its columns and unique pair unchanged):
the model is declared over it in the migration state only, then the two columns are added;
every existing member becomes an owner."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("merchants", "0001_initial"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="Membership",
                    fields=[
                        ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                        ("merchant", models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name="memberships", to="merchants.merchant", verbose_name="商户")),
                        ("user", models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name="memberships", to=settings.AUTH_USER_MODEL, verbose_name="用户")),
                    ],
                    options={
                        "verbose_name": "团队成员",
                        "verbose_name_plural": "团队成员",
                        "db_table": "merchants_merchant_members",
                        "unique_together": {("merchant", "user")},
                    },
                ),
                migrations.AlterField(
                    model_name="merchant",
                    name="members",
                    field=models.ManyToManyField(blank=True, related_name="merchants", through="merchants.Membership", to=settings.AUTH_USER_MODEL, verbose_name="商户用户"),
                ),
            ],
            database_operations=[],
        ),
        migrations.AddField(
            model_name="membership",
            name="role",
            field=models.CharField(choices=[("owner", "店主"), ("manager", "店长"), ("cashier", "收银员")], default="owner", max_length=12, verbose_name="团队角色"),
        ),
        migrations.AddField(
            model_name="membership",
            name="store",
            field=models.ForeignKey(blank=True, help_text="收银员只看这家门店；空 = 全部门店。", null=True, on_delete=django.db.models.deletion.SET_NULL, related_name="memberships", to="merchants.store", verbose_name="门店"),
        ),
    ]
