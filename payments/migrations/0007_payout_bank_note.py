"""Payout notes in two: poscare's own detail of a reason in Chinese and English (note,
note_en), and what the bank wrote, kept as written (bank_note). The only texts poscare itself
wrote into `note` before are the demo's two; they are moved where they belong. Every other
note stays as it was (shown as written)."""

from django.db import migrations, models

# What the demo wrote, and where it goes now.
POSCARE_WROTE = {
    "大额集中交易，待商户补充交易材料": (
        "Large, concentrated takings: waiting for the merchant's transaction documents"
    ),
}
BANK_WROTE = {"收款行退票：户名与账号不符"}


def split_notes(apps, schema_editor):
    Payout = apps.get_model("payments", "Payout")
    for chinese, english in POSCARE_WROTE.items():
        Payout.objects.filter(note=chinese, note_en="").update(note_en=english)
    for text in BANK_WROTE:
        Payout.objects.filter(note=text).update(note="", bank_note=text)


def join_notes(apps, schema_editor):
    Payout = apps.get_model("payments", "Payout")
    for text in BANK_WROTE:
        Payout.objects.filter(bank_note=text, note="").update(note=text, bank_note="")


class Migration(migrations.Migration):
    dependencies = [
        ("payments", "0006_one_open_dispute_per_duplicate"),
    ]

    operations = [
        migrations.AddField(
            model_name="payout",
            name="bank_note",
            field=models.CharField(blank=True, max_length=200, verbose_name="银行备注"),
        ),
        migrations.AddField(
            model_name="payout",
            name="note_en",
            field=models.CharField(blank=True, max_length=200, verbose_name="备注（英文）"),
        ),
        migrations.RunPython(split_notes, join_notes),
    ]
