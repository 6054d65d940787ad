"""The "Inquiry reviewers" group: may open the admin and view and change inquiries."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

GROUP_NAME = "Inquiry reviewers"
PERMISSIONS = [
    ("wagtailadmin", "admin", "access_admin"),
    ("contact", "inquiry", "view_inquiry"),
    ("contact", "inquiry", "change_inquiry"),
]


def create_group(apps, schema_editor):
    # Model permissions are normally created after all migrations have run; make
    # sure the inquiry ones exist now so the group can be given them.
    contact_config = apps.get_app_config("contact")
    contact_config.models_module = True
    create_permissions(contact_config, verbosity=0, apps=apps)
    contact_config.models_module = None

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _ = Group.objects.get_or_create(name=GROUP_NAME)
    for app_label, model, codename in PERMISSIONS:
        permission = Permission.objects.get(
            content_type__app_label=app_label, content_type__model=model, codename=codename
        )
        group.permissions.add(permission)


def remove_group(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name=GROUP_NAME).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("contact", "0001_initial"),
        ("wagtailadmin", "0001_create_admin_access_permissions"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_group, remove_group)]
