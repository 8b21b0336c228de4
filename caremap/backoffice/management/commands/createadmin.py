"""`caremap createadmin`: create the first city administrator."""

import getpass

from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from caremap.backoffice.models import Role
from caremap.backoffice.roles import assign_role


class Command(BaseCommand):
    help = "Create a city administrator (password from --password-env or asked for)."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--email", default="")
        parser.add_argument("--password-env", metavar="VAR",
                            help="read the password from this environment variable")

    def handle(self, *args, username, email, password_env, **options):
        import os

        users = get_user_model()
        if users.objects.filter(username=username).exists():
            raise CommandError(f"user {username} exists already")
        if password_env:
            password = os.environ.get(password_env, "")
        else:
            try:
                password = getpass.getpass("Password: ")
                repeated = getpass.getpass("Password (again): ")
            except EOFError:
                # No terminal (a script, cron or `</dev/null`): getpass read the end of stdin.
                raise CommandError("no password given: standard input is not a terminal, so "
                                   "put the password in an environment variable and pass "
                                   "--password-env VAR") from None
            if password != repeated:
                raise CommandError("the passwords differ")
        user = users(username=username, email=email)
        try:
            validate_password(password, user)
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from None
        user.set_password(password)
        user.save()
        assign_role(user, Role.CITY_ADMIN)
        self.stdout.write(f"city administrator {username} created")
