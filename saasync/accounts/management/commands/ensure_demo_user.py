"""Creates the `make run` demo login (verified email, own team). Refused when DEBUG is off."""

from __future__ import annotations

from typing import Any

from allauth.account.models import EmailAddress
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from saasync.accounts.models import User
from saasync.accounts.services import tenant_create


class Command(BaseCommand):
    help = "Create the local demo user and team if they do not exist (development only)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("email")
        parser.add_argument("password")

    def handle(self, *args: Any, email: str, password: str, **options: Any) -> None:
        if not settings.DEBUG:
            raise CommandError("The demo user exists only in development (DEBUG=true).")
        user = User.objects.filter(email=email).first()
        if user is None:
            user = User.objects.create_user(email=email, password=password)
            tenant_create(owner=user, name="Demo Team")
        EmailAddress.objects.update_or_create(user=user, email=email, defaults={"verified": True, "primary": True})
