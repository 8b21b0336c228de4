"""`caremap import FILE`: check a department's sheet and write its good rows."""

import sys
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from caremap.backoffice.access import Denied, staff_role
from caremap.directory.models import Department
from caremap.geo.crs import SYSTEMS
from caremap.imports.pipeline import department_of_sheet, resolve_department, run_import
from caremap.imports.prepare import WorkerDied
from caremap.imports.readers import UnreadableFile
from caremap.imports.report import no_data_rows_message


class Command(BaseCommand):
    help = "Import a department's xlsx or csv sheet (dry run with --dry-run)."

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--department",
                            help="department code or Chinese short name, e.g. 民政; without it, "
                            "a department editor's own department (with --user), or else the "
                            "one department the sheet's 部门 column names")
        parser.add_argument("--crs", default="wgs84", choices=SYSTEMS,
                            help="coordinate system of the sheet's coordinates")
        parser.add_argument("--dry-run", action="store_true", help="report only, write nothing")
        parser.add_argument("--report", help="also write the report as xlsx to this path")
        parser.add_argument("--user", help="import as this back-office user (username): rows "
                            "outside the user's scope are rejected, and a district "
                            "administrator's or department editor's import goes to review")

    def _progress(self, done: int, total: int) -> None:
        width = 30
        filled = width * done // max(total, 1)
        sys.stderr.write(f"\r[{'#' * filled}{'.' * (width - filled)}] {done}/{total}")
        if done == total:
            sys.stderr.write("\n")
        sys.stderr.flush()

    def _department(self, name: str | None, user, path: Path) -> Department:
        if name:
            try:
                return resolve_department(name)
            except Department.DoesNotExist:
                raise CommandError(f"unknown department {name!r}") from None
        role = staff_role(user) if user is not None else None
        if role is not None and role.department_id:
            return role.department
        try:
            return department_of_sheet(path.read_bytes(), path.name)
        except (UnreadableFile, ValueError) as exc:
            raise CommandError(f"{exc}; name the department with --department") from None

    def handle(self, *args, **options):
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(f"file not found: {path}")
        user = None
        if options["user"]:
            user = get_user_model().objects.filter(username=options["user"]).first()
            if user is None:
                raise CommandError(f"user not found: {options['user']!r}")
        department = self._department(options["department"], user, path)
        try:
            report = run_import(path.read_bytes(), path.name, department, options["crs"],
                                dry_run=options["dry_run"], user=user, progress=self._progress)
        except UnreadableFile as exc:
            raise CommandError(str(exc)) from None
        except WorkerDied:
            raise CommandError("checking stopped because a worker process ended unexpectedly "
                               "(often for lack of memory); nothing was imported. Run the "
                               "import again, with CAREMAP_IMPORT_WORKERS=1 if it happens "
                               "again") from None
        except Denied:
            raise CommandError(f"user {options['user']!r} may not import: only city "
                               "administrators, district administrators and department "
                               "editors may") from None
        for finding in report.findings:
            f = finding.as_dict()
            self.stdout.write(f"row {f['row']} {f['column']} {f['code']} ({f['level']}): "
                              f"{f['message_zh']} / {f['message_en']} [{f['value']}]")
        counts = " ".join(f"{k}={v}" for k, v in report.counts.items())
        self.stdout.write(("dry run: " if options["dry_run"] else "") + counts)
        if report.run.changeset_id:
            self.stdout.write(f"nothing written yet: sent for review as change set "
                              f"{report.run.changeset_id}")
        if options["report"]:
            from caremap.imports.report import report_xlsx

            Path(options["report"]).write_bytes(report_xlsx(report.run))
        if not report.counts["rows"]:
            raise CommandError(no_data_rows_message(path.name))
        if not report.counts["valid"]:
            raise CommandError(f"no valid row in {path.name}: all {report.counts['rows']} rows "
                               "were rejected (see the errors above); fix the sheet and "
                               "import it again")
