import os
import secrets
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand

CREDENTIALS_FILE = Path(settings.BASE_DIR) / ".data" / "admin-credentials.txt"


class Command(BaseCommand):
    help = (
        "Make sure an admin login exists and print it. Uses DJANGO_SUPERUSER_USERNAME and "
        "DJANGO_SUPERUSER_PASSWORD when set; otherwise creates 'admin' with a random "
        "password kept in .data/admin-credentials.txt."
    )

    def handle(self, *args, **options):
        user_model = get_user_model()
        username = os.environ.get("DJANGO_SUPERUSER_USERNAME", "").strip()
        password = os.environ.get("DJANGO_SUPERUSER_PASSWORD", "")
        if username and password:
            user, created = user_model.objects.get_or_create(
                username=username, defaults={"is_staff": True, "is_superuser": True}
            )
            if created:
                user.set_password(password)
                user.save()
            self.report(username, password if created else "(the password you set)")
            return

        if CREDENTIALS_FILE.exists():
            username, password = CREDENTIALS_FILE.read_text().split("\n", 1)
            if user_model.objects.filter(username=username).exists():
                self.report(username, password.strip() + " (unless changed since)")
                return

        username = "admin"
        if user_model.objects.filter(username=username).exists():
            self.report(username, "(the password you set)")
            return
        password = secrets.token_urlsafe(12)
        user_model.objects.create_superuser(username=username, email="", password=password)
        CREDENTIALS_FILE.parent.mkdir(parents=True, exist_ok=True)
        CREDENTIALS_FILE.write_text(f"{username}\n{password}\n")
        CREDENTIALS_FILE.chmod(0o600)
        self.report(username, password)

    def report(self, username: str, password: str) -> None:
        self.stdout.write(self.style.SUCCESS(f"Admin login: {username} / {password}"))
