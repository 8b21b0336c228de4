"""Insert many rows of a model at once, without building a model instance per row.

`bulk_create` builds and prepares every field of every object in Python, which costs more than
the database's own work once a batch has thousands of rows. `BulkInsert` prepares each
column once per batch where it can, then hands the rows to COPY on PostgreSQL or to
`executemany` on SQLite. It sends no signals, runs no validation and does not touch
`auto_now` fields beyond setting them to the batch's time: callers check their rows first.
"""

import datetime
import json
import uuid

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


def _converter(field):
    """Return a function from a Python value to what the driver takes for this column."""
    target = field.target_field if field.is_relation else field
    kind = target.get_internal_type()
    if kind in _PLAIN_TYPES:
        return None
    if kind == "UUIDField" and not connection.features.has_native_uuid_field:
        return _uuid_hex
    if kind == "UUIDField":
        return None
    if kind == "JSONField":
        # What the field itself would send, without its per-value preparation: JSON text,
        # which both databases accept for a JSON column (COPY on PostgreSQL reads text).
        return lambda value: None if value is None else json.dumps(value, cls=field.encoder)
    return lambda value: None if value is None else field.get_db_prep_save(value, connection)


def _uuid_hex(value) -> str | None:
    if value is None or isinstance(value, str):
        return value and uuid.UUID(value).hex
    return value.hex


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

    def _default(self, field, now: datetime.datetime):
        """Return (callable default or None, constant default)."""
        if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
            return None, now
        if field.has_default():
            return (field.get_default, None) if callable(field.default) else (
                None, field.get_default())
        return None, None if field.null else ""

    def insert(self, rows: list[dict]) -> None:
        if not rows:
            return
        now = timezone.now()
        prepared = []
        for field in self.fields:
            name = field.attname
            make, constant = self._default(field, now)
            convert = _converter(field)
            if make is not None:
                values = [row[name] if name in row else make() for row in rows]
                if convert is not None:
                    values = list(map(convert, values))
            elif convert is None:
                values = [row.get(name, constant) for row in rows]
            else:
                fixed = convert(constant)  # once, not per row
                values = [convert(row[name]) if name in row else fixed for row in rows]
            prepared.append(values)
        table_rows = list(zip(*prepared, strict=True))
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
