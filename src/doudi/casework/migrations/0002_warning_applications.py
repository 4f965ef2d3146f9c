"""Applications queued by the warning loop before casework existed (monitoring's ``ApplicationCase``)
become casework applications, submitted, with the family's recorded consent; the old table is then
dropped by monitoring's next migration."""

from django.db import migrations


def forward(apps, schema_editor):
    Old = apps.get_model("monitoring", "ApplicationCase")
    Application = apps.get_model("casework", "Application")
    Step = apps.get_model("casework", "Step")
    Person = apps.get_model("registry", "Person")
    for old in Old.objects.exclude(household=None).order_by("pk").iterator():
        head = Person.objects.filter(household_id=old.household_id).order_by("pk")
        applicant = head.filter(relation="head").first() or head.first()
        received = old.created_at.date()
        app = Application.objects.create(
            number=f"tmp-{old.pk}",
            household_id=old.household_id,
            region_code=old.region_code,
            applicant=applicant,
            applicant_name=applicant.name if applicant else "",
            channel="warning",
            state="submitted",
            received_on=received,
            warning_id=old.warning_id,
            consent=old.consent or {},
            created_by_id=old.created_by_id,
        )
        app.number = f"SQ{received:%Y}{old.region_code[:6]}{app.pk:07d}"
        app.save(update_fields=["number"])
        Step.objects.create(
            application=app,
            region_code=app.region_code,
            event="open",
            from_state="",
            to_state="submitted",
            on=received,
            actor_id=old.created_by_id,
            actor_label="",
            rule="R-W17",
            note="监测预警转申请",
        )


class Migration(migrations.Migration):
    dependencies = [
        ("casework", "0001_initial"),
        ("monitoring", "0005_rename_warning_earlywarning"),
        ("registry", "0002_h3_legal_supporter"),
    ]

    operations = [migrations.RunPython(forward, migrations.RunPython.noop)]
