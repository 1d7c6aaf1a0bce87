"""The partnership's checklist of host conditions as it starts; the team edits it after."""

from django.db import migrations

CONDITIONS = [
    (
        "Enhanced DBS check confirmed",
        "The visitor's own organisation confirms they hold an enhanced DBS check: its level and "
        "the date on it. The certificate number is never recorded.",
        "home_dbs",
        False,
    ),
    (
        "Confidentiality agreement signed",
        "The visitor reads and signs the host's confidentiality agreement before the visit.",
        "agreement",
        False,
    ),
    (
        "Induction or briefing",
        "The host briefs the visitor on what they will see, how to behave and who to go to.",
        "host_records",
        False,
    ),
    (
        "Risk assessment",
        "The host has assessed the risks of the visit and how they are managed.",
        "host_records",
        False,
    ),
    ("Aged 18 or over", "The visitor confirms they are 18 or over.", "visitor_confirms", False),
    (
        "Photo ID on the day",
        "The visitor confirms they will bring photo ID (a staff badge or passport) on the day.",
        "visitor_confirms",
        False,
    ),
    (
        "The host's own conditions",
        "Further conditions the host sets out on the opportunity; the host records that they "
        "are met.",
        "host_records",
        True,
    ),
]


def add(apps, schema_editor):
    Condition = apps.get_model("shadowing", "Condition")
    for order, (name, description, met_by, needs_details) in enumerate(CONDITIONS, start=1):
        Condition.objects.get_or_create(
            name=name,
            defaults={
                "description": description,
                "met_by": met_by,
                "needs_details": needs_details,
                "order": order,
            },
        )


def remove(apps, schema_editor):
    Condition = apps.get_model("shadowing", "Condition")
    Condition.objects.filter(name__in=[c[0] for c in CONDITIONS]).delete()


class Migration(migrations.Migration):
    dependencies = [("shadowing", "0001_initial")]

    operations = [migrations.RunPython(add, remove)]
