"""The proxy's health endpoint: is the database reachable and fully migrated? Nothing else is exposed.

Anonymous (the proxy does not sign in) and plain text: one line per check, `ok`
or `unavailable`, never an error message (it could name hosts or tables), and
503 when any check fails.
"""

import asyncio
import dataclasses

from django.db import DEFAULT_DB_ALIAS, Error, connections
from django.db.migrations.executor import MigrationExecutor
from django.http import HttpResponse
from health_check.base import HealthCheck
from health_check.checks import Database
from health_check.exceptions import ServiceUnavailable
from health_check.views import HealthCheckView


@dataclasses.dataclass
class MigrationsApplied(HealthCheck):
    """Every migration in the code is applied: an instance started before `migrate` finished is not healthy."""

    alias: str = DEFAULT_DB_ALIAS

    def run(self):
        connection = connections[self.alias]
        try:
            executor = MigrationExecutor(connection)
            plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
        except Error as exc:
            raise ServiceUnavailable("Database unavailable") from exc
        finally:
            # Checks run in a worker thread, whose connection nobody else would close.
            connection.close()
        if plan:
            raise ServiceUnavailable("Migrations not applied")


CHECK_NAMES = {Database: "database", MigrationsApplied: "migrations"}


class HealthView(HealthCheckView):
    checks = (Database, MigrationsApplied)

    async def get(self, request, *args, **kwargs):
        with self.get_executor() as executor:
            results = await asyncio.gather(*(check.get_result(executor) for check in self.get_checks()))
        lines = [f"{CHECK_NAMES[type(result.check)]}: {'unavailable' if result.error else 'ok'}" for result in results]
        response = HttpResponse("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8")
        response.status_code = 503 if any(result.error for result in results) else 200
        return response
