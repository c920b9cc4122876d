"""The ticket number copied beside the hand-off's ticket foreign key goes, and with it the
check that an opened ticket has a copied number (a ticket is read through the key). A hand-off
whose key is empty but whose copied number names an existing ticket is linked to it first;
going back fills the copy from the key again."""

from django.db import migrations


def link_by_number(apps, schema_editor):
    HandOff = apps.get_model("assistant", "HandOff")
    Ticket = apps.get_model("desk", "Ticket")
    for row in HandOff.objects.filter(ticket=None).exclude(ticket_number="").only("pk", "ticket_number"):
        ticket = Ticket.objects.filter(number=row.ticket_number).only("pk").first()
        if ticket is not None:
            HandOff.objects.filter(pk=row.pk).update(ticket=ticket)
    if schema_editor.connection.vendor == "postgresql":
        # check the new links now, so the column can be dropped in this transaction
        schema_editor.execute("SET CONSTRAINTS ALL IMMEDIATE")


def copy_number_back(apps, schema_editor):
    HandOff = apps.get_model("assistant", "HandOff")
    for row in HandOff.objects.exclude(ticket=None).select_related("ticket"):
        HandOff.objects.filter(pk=row.pk).update(ticket_number=row.ticket.number)


class Migration(migrations.Migration):
    dependencies = [
        ("desk", "0002_defaults"),
        ("assistant", "0002_ticket_foreign_key"),
    ]

    operations = [
        migrations.RemoveConstraint(model_name="handoff", name="handoff_ticket_has_number"),
        migrations.RunPython(link_by_number, copy_number_back),
        migrations.RemoveField(model_name="handoff", name="ticket_number"),
    ]
