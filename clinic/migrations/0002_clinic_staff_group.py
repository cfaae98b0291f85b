"""The "Clinic staff" group, holding every permission of the workspace.

Administrators put advisers in this group in the Django admin. Django
creates permissions after all migrations have run, so this migration
creates the clinic's own first.
"""

from typing import Any

from django.contrib.auth.management import create_permissions
from django.db import migrations

GROUP = "Clinic staff"
PERMISSIONS = [
    "view_submissions",
    "review_submission",
    "export_submissions",
    "manage_cohorts",
]


def create_group(apps: Any, schema_editor: Any) -> None:
    clinic = apps.get_app_config("clinic")
    # create_permissions skips an app without a models module, which is
    # what the historical app registry of a migration looks like.
    models_module = getattr(clinic, "models_module", None)
    clinic.models_module = models_module or True
    try:
        create_permissions(clinic, apps=apps, verbosity=0)
    finally:
        clinic.models_module = models_module

    group_model = apps.get_model("auth", "Group")
    permission_model = apps.get_model("auth", "Permission")
    group, _created = group_model.objects.get_or_create(name=GROUP)
    group.permissions.add(
        *permission_model.objects.filter(
            content_type__app_label="clinic", codename__in=PERMISSIONS
        )
    )


def remove_group(apps: Any, schema_editor: Any) -> None:
    apps.get_model("auth", "Group").objects.filter(name=GROUP).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("clinic", "0001_initial"),
    ]

    operations = [migrations.RunPython(create_group, remove_group)]
