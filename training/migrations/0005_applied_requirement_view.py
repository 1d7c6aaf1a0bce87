"""The view behind `AppliedRequirement`, and the standards' cover table for existing standards.

The SQL runs on PostgreSQL and SQLite alike. A blank condition on a requirement matches every
membership; a requirement with no job roles matches every job role.
"""

from django.db import migrations

CREATE_VIEW = """
CREATE VIEW training_appliedrequirement AS
SELECT m.id AS membership_id,
       q.id AS requirement_id,
       m.user_id AS user_id,
       q.standard_id AS standard_id
FROM organisations_membership m
INNER JOIN organisations_organisation o ON o.id = m.organisation_id
INNER JOIN training_requirement q
    ON q.is_active
   AND (q.sector = '' OR q.sector = o.sector)
   AND (q.membership_kind = '' OR q.membership_kind = m.kind)
   AND (q.governor_role = '' OR q.governor_role = m.governor_role)
   AND (
        NOT EXISTS (
            SELECT 1 FROM training_requirement_job_roles jr WHERE jr.requirement_id = q.id
        )
        OR EXISTS (
            SELECT 1 FROM training_requirement_job_roles jr
            WHERE jr.requirement_id = q.id AND jr.jobrole_id = m.job_role_id
        )
   )
"""

DROP_VIEW = "DROP VIEW IF EXISTS training_appliedrequirement"


def build_covers(apps, schema_editor):
    from training.services.standards import covers_for

    TrainingStandard = apps.get_model("training", "TrainingStandard")
    StandardCover = apps.get_model("training", "StandardCover")
    edges = list(TrainingStandard.satisfies.through.objects.values_list(
        "from_trainingstandard_id", "to_trainingstandard_id"
    ))
    ids = list(TrainingStandard.objects.values_list("id", flat=True))
    StandardCover.objects.all().delete()
    StandardCover.objects.bulk_create(
        StandardCover(standard_id=s, covered_id=c) for s, c in covers_for(ids, edges)
    )


class Migration(migrations.Migration):
    dependencies = [("training", "0004_requirements_and_compliance")]

    operations = [
        migrations.RunSQL(CREATE_VIEW, DROP_VIEW),
        migrations.RunPython(build_covers, migrations.RunPython.noop),
    ]
