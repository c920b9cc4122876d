"""The ticket number copied beside the ticket foreign key goes: the number is read through the
key. A row whose key is empty but whose copied number names an existing ticket is linked to it
first, so no link is lost; going back fills the copy from the key again."""

from django.db import migrations


def checks_now(schema_editor):
    """PostgreSQL checks the new links at once, so the column can be dropped in this transaction
    (otherwise: "cannot ALTER TABLE … because it has pending trigger events")."""
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("SET CONSTRAINTS ALL IMMEDIATE")


def link_by_number(app, model, column):
    def forwards(apps, schema_editor):
        Model = apps.get_model(app, model)
        Ticket = apps.get_model("desk", "Ticket")
        rows = Model.objects.filter(ticket=None).exclude(**{column: ""})
        for row in rows.only("pk", column):
            ticket = Ticket.objects.filter(number=getattr(row, column)).only("pk").first()
            if ticket is not None:
                Model.objects.filter(pk=row.pk).update(ticket=ticket)
        checks_now(schema_editor)

    def backwards(apps, schema_editor):
        Model = apps.get_model(app, model)
        for row in Model.objects.exclude(ticket=None).select_related("ticket"):
            Model.objects.filter(pk=row.pk).update(**{column: row.ticket.number})

    return forwards, backwards



class Migration(migrations.Migration):
    dependencies = [
        ("desk", "0002_defaults"),
        ("payments", "0004_ticket_foreign_key"),
    ]

    operations = [
        migrations.RunPython(*link_by_number("payments", "investigation", "ticket_reference")),
        migrations.RemoveField("investigation", "ticket_reference"),
        migrations.RunPython(*link_by_number("payments", "disputecase", "ticket_reference")),
        migrations.RemoveField("disputecase", "ticket_reference"),
    ]
