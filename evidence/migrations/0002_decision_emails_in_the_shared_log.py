"""Decision emails already sent, copied from the evidence's history into the shared sent-log
(outbox.SentEmail), so none is sent again. Before the log, a history entry with the reason
"Decision emailed to the person" marked the email as sent."""

from django.db import migrations

DECISION_EMAILED = "Decision emailed to the person"
KIND = "evidence_decision"


def decisions_copy(apps, schema_editor):
    history = apps.get_model("evidence", "HistoricalExternalEvidence")
    sent_email = apps.get_model("outbox", "SentEmail")
    user = apps.get_model("accounts", "User")
    db = schema_editor.connection.alias
    entries = (
        history.objects.using(db)
        .filter(history_change_reason=DECISION_EMAILED)
        .values_list("id", "user_id", "history_date")
    )
    emails = dict(user.objects.using(db).values_list("pk", "email"))
    rows, seen = [], set()
    for evidence_id, user_id, sent_at in entries:
        if evidence_id in seen or user_id not in emails:
            continue
        seen.add(evidence_id)
        rows.append(
            sent_email(kind=KIND, key=str(evidence_id), recipient=emails[user_id], sent_at=sent_at)
        )
    sent_email.objects.using(db).bulk_create(rows, ignore_conflicts=True)


class Migration(migrations.Migration):
    dependencies = [
        ("evidence", "0001_initial"),
        ("outbox", "0001_initial"),
        ("accounts", "0001_initial"),
    ]

    operations = [migrations.RunPython(decisions_copy, migrations.RunPython.noop)]
