# A strengths profile's plain "background check" level becomes a people.BackgroundCheck
# record (with a date, an expiry and who checked); matching now reads only those.

from datetime import date, timedelta

from django.db import migrations

SYSTEM_EMAIL = "system@kampung.invalid"


def profiles_to_checks(apps, schema_editor):
    StrengthsProfile = apps.get_model("matching", "StrengthsProfile")
    BackgroundCheck = apps.get_model("people", "BackgroundCheck")
    User = apps.get_model("people", "User")
    profiles = StrengthsProfile.objects.filter(clearance__gt=0)
    if not profiles.exists():
        return
    system, _created = User.objects.get_or_create(
        email=SYSTEM_EMAIL, defaults={"display_name": "Kampung", "is_active": False}
    )
    today = date.today()
    for p in profiles:
        # Without a date, the check is kept for a year from now, so nobody is dropped
        # from matching overnight; its record says it came from the old field.
        checked = p.clearance_checked_on or today
        expires = max(checked + timedelta(days=3 * 365), today + timedelta(days=365))
        BackgroundCheck.objects.create(
            member_id=p.member_id,
            level=min(p.clearance, 2),
            kind="Recorded before checks had their own record",
            checked_on=checked,
            expires_on=expires,
            checked_by="Not recorded",
            recorded_by=system,
        )


class Migration(migrations.Migration):
    dependencies = [
        ("matching", "0005_home_page_queue_indexes"),
        ("people", "0004_background_checks"),
    ]

    operations = [
        migrations.RunPython(profiles_to_checks, migrations.RunPython.noop),
        migrations.RemoveField(model_name="strengthsprofile", name="clearance"),
        migrations.RemoveField(model_name="strengthsprofile", name="clearance_checked_on"),
    ]
