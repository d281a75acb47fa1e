"""``python manage.py db_grant_app_role``: the database role the application runs as.

Run it as the database owner after ``migrate`` (docker-compose's ``migrate`` service does). The role
owns nothing, so it can neither drop nor disable the audit log's triggers, nor set
``session_replication_role``; it may read and write the application's tables, and only INSERT and
SELECT on the audit log. Re-running it is safe (new tables of later migrations get their grants).
"""

from __future__ import annotations

import os
import re
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction

AUDIT_TABLE = "core_auditentry"


class Command(BaseCommand):
    help = "Create (or update) the application's database role: no ownership, INSERT/SELECT only on the audit log."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--role", default="shouhu_app", help="role name (default shouhu_app)")
        parser.add_argument(
            "--password-env",
            default="SHOUHU_APP_DB_PASSWORD",
            help="environment variable holding the role's password (left unchanged when unset)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        role = options["role"]
        if not re.fullmatch(r"[a-z_][a-z0-9_]{0,62}", role):
            raise CommandError("The role name may hold only lower-case letters, digits and _.")
        password = os.environ.get(options["password_env"], "")
        q = connection.ops.quote_name
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", [role])
            if cursor.fetchone() is None:
                cursor.execute(
                    f"CREATE ROLE {q(role)} LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS"
                )
            else:
                cursor.execute(
                    f"ALTER ROLE {q(role)} LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS"
                )
            if password:
                cursor.execute(f"ALTER ROLE {q(role)} PASSWORD %s", [password])
            cursor.execute("SELECT current_database(), current_user")
            database, owner = cursor.fetchone()
            statements = [
                f"GRANT CONNECT ON DATABASE {q(database)} TO {q(role)}",
                f"GRANT USAGE ON SCHEMA public TO {q(role)}",
                f"GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO {q(role)}",
                f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO {q(role)}",
                f"REVOKE UPDATE, DELETE, TRUNCATE, REFERENCES, TRIGGER ON {q(AUDIT_TABLE)} FROM {q(role)}",
                f"ALTER DEFAULT PRIVILEGES FOR ROLE {q(owner)} IN SCHEMA public "
                f"GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO {q(role)}",
                f"ALTER DEFAULT PRIVILEGES FOR ROLE {q(owner)} IN SCHEMA public "
                f"GRANT USAGE, SELECT ON SEQUENCES TO {q(role)}",
            ]
            # The audit log's monthly partitions (core migration 0009): INSERT and SELECT only there too.
            cursor.execute(
                "SELECT inhrelid::regclass::text FROM pg_inherits WHERE inhparent = %s::regclass", [AUDIT_TABLE]
            )
            statements += [
                f"REVOKE UPDATE, DELETE, TRUNCATE, REFERENCES, TRIGGER ON {q(name)} FROM {q(role)}"
                for (name,) in cursor.fetchall()
            ]
            for statement in statements:
                cursor.execute(statement)
        self.stdout.write(
            f"role {role}: read/write on the application's tables of {database}, INSERT/SELECT only on "
            f"{AUDIT_TABLE}, owns nothing."
        )
