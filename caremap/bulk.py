"""Insert many rows of a model at once, without building a model instance per row.

`bulk_create` builds and prepares every field of every object in Python, which costs more than
the database's own work once a batch holds thousands of rows. `BulkInsert` prepares each
column once per batch where it can, then hands the rows to COPY on PostgreSQL or to
`executemany` on SQLite. It sends no signals, runs no validation and does not touch
`auto_now` fields beyond setting them to the batch's time: callers check their rows first.
"""

import datetime

from django.db import connection
from django.db.models import Model
from django.utils import timezone

# Field types whose Python values the database drivers take as they are.
_PLAIN_TYPES = {
    "AutoField", "BigAutoField", "BigIntegerField", "BooleanField", "CharField", "FloatField",
    "IntegerField", "PositiveBigIntegerField", "PositiveIntegerField",
    "PositiveSmallIntegerField", "SlugField", "SmallAutoField", "SmallIntegerField", "TextField",
}
_BATCH = 5000


def _plain(field) -> bool:
    target = field.target_field if field.is_relation else field
    return target.get_internal_type() in _PLAIN_TYPES


class BulkInsert:
    """Insert rows given as {attname: value} into `model`'s table.

    Fields a row leaves out take their default (a callable default is called per row, so each
    row gets its own UUID). Rows must not give an automatic primary key.
    """

    def __init__(self, model: type[Model]) -> None:
        self.model = model
        self.fields = [f for f in model._meta.concrete_fields
                       if not (f.primary_key and f.get_internal_type().endswith("AutoField"))]
        self.columns = [f.column for f in self.fields]

    def _defaults(self, now: datetime.datetime) -> dict:
        defaults = {}
        for field in self.fields:
            if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
                defaults[field.attname] = lambda: now
            elif field.has_default():
                defaults[field.attname] = field.get_default if callable(field.default) else (
                    lambda value=field.get_default(): value)
            else:
                defaults[field.attname] = lambda value=None if field.null else "": value
        return defaults

    def insert(self, rows: list[dict]) -> None:
        if not rows:
            return
        defaults = self._defaults(timezone.now())
        prepared = []
        for field in self.fields:
            name, default = field.attname, defaults[field.attname]
            values = [row[name] if name in row else default() for row in rows]
            if not _plain(field):
                values = [None if v is None else field.get_db_prep_save(v, connection)
                          for v in values]
            prepared.append(values)
        table_rows = list(zip(*prepared))
        for start in range(0, len(table_rows), _BATCH):
            self._write(table_rows[start:start + _BATCH])

    def _write(self, table_rows: list[tuple]) -> None:
        table = connection.ops.quote_name(self.model._meta.db_table)
        columns = ", ".join(connection.ops.quote_name(c) for c in self.columns)
        with connection.cursor() as cur:
            if connection.vendor == "postgresql":
                with cur.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                    for row in table_rows:
                        copy.write_row(row)
            else:
                marks = ", ".join(["%s"] * len(self.columns))
                cur.executemany(f"INSERT INTO {table} ({columns}) VALUES ({marks})", table_rows)
