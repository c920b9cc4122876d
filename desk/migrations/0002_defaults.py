"""Default service hours, SLA policies and the three tier queues (editable in the admin)."""

from django.db import migrations

OFFICE = [["09:00", "12:00"], ["13:30", "18:00"]]
# (priority, calendar, first response, next update, resolution) in business minutes
POLICIES = [
    ("P1", "7x24", 15, 60, 4 * 60),
    ("P2", "7x24", 30, 4 * 60, 24 * 60),
    ("P3", "office", 2 * 60, 8 * 60, 3 * 450),
    ("P4", "office", 8 * 60, 0, 5 * 450),
]


def forwards(apps, schema_editor):
    BusinessCalendar = apps.get_model("desk", "BusinessCalendar")
    SLAPolicy = apps.get_model("desk", "SLAPolicy")
    Queue = apps.get_model("desk", "Queue")
    calendars = {
        "7x24": BusinessCalendar.objects.create(
            name="7×24", always_open=True, follows_holidays=False, workday_periods=[]
        ),
        "office": BusinessCalendar.objects.create(
            name="工作日 09:00–12:00, 13:30–18:00", workday_periods=OFFICE
        ),
    }
    for priority, calendar, first, update, resolution in POLICIES:
        SLAPolicy.objects.create(
            name=f"{priority} 默认",
            priority=priority,
            calendar=calendars[calendar],
            first_response_minutes=first,
            next_update_minutes=update,
            resolution_minutes=resolution,
        )
    Queue.objects.create(code="l1", name="一线客服", tier="l1")
    Queue.objects.create(code="l2-tech", name="二线技术", tier="l2")
    Queue.objects.create(code="supervisor", name="主管", tier="supervisor", auto_assign=False)


def backwards(apps, schema_editor):
    for name in ("SLAPolicy", "BusinessCalendar", "Queue"):
        apps.get_model("desk", name).objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("desk", "0001_initial")]
    operations = [migrations.RunPython(forwards, backwards)]
