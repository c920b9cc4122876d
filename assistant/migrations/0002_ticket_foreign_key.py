"""The desk has landed: ticket links become real foreign keys, keeping the existing links
(ids of tickets that no longer exist are dropped)."""

import django.db.models.deletion
from django.db import migrations, models


def keep_links(app, model):
    def copy(apps, schema_editor):
        Model = apps.get_model(app, model)
        Ticket = apps.get_model("desk", "Ticket")
        existing = set(Ticket.objects.values_list("pk", flat=True))
        for row in Model.objects.exclude(old_ticket_id=None).only("pk", "old_ticket_id"):
            if row.old_ticket_id in existing:
                Model.objects.filter(pk=row.pk).update(ticket_id=row.old_ticket_id)

    return copy


class Migration(migrations.Migration):
    dependencies = [
        ("desk", "0002_defaults"),
        ("assistant", "0001_initial"),
    ]

    operations = [
        migrations.RenameField("handoff", "ticket_id", "old_ticket_id"),
        migrations.AddField(
            model_name="handoff",
            name="ticket",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="assistant_handoffs",
                to="desk.ticket",
                verbose_name="工单",
            ),
        ),
        migrations.RunPython(keep_links("assistant", "handoff"), migrations.RunPython.noop),
        migrations.RemoveField("handoff", "old_ticket_id"),
    ]
