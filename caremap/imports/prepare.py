"""Prepare a sheet's rows: check them and build their search text, in worker processes.

Checking a row (`RowValidator.clean`) and building the search text of a new record
(`index.text_fields`: n-grams, pinyin) are pure Python and need nothing from the database once
the validator has loaded its vocabularies and divisions. For a large sheet they take most of an
import's time. So the rows are split into chunks and handed to forked worker processes, which
inherit the loaded validator. The results come back in sheet order and equal those of one
process (a test compares them). Workers never touch the database: the connection they inherit
stays unused, and they end with `os._exit`, which closes nothing.

Where fork is unavailable, the sheet is small or CAREMAP_IMPORT_WORKERS is 1, the rows are
checked in this process.
"""

import dataclasses
import datetime
import gc
import logging
import multiprocessing
import os
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from contextlib import contextmanager

from django.conf import settings

from caremap.directory.models import Department, TaxonomyTerm
from caremap.search.index import EntrySource, source_text

from .findings import Finding
from .validate import RowValidator

logger = logging.getLogger(__name__)


class WorkerDied(RuntimeError):
    """A worker process ended before it returned its rows (killed for memory, say)."""


# Rows per task sent to a worker: large enough that sending it costs little next to checking
# it, small enough that the progress bar moves and the workers finish together.
CHUNK_ROWS = 1000


@dataclasses.dataclass
class Names:
    """Names by code of what a new record's search entry shows (see `payload_source`)."""

    # {taxonomy term code: name}, categories, target groups and service contents alike.
    terms: dict[str, str]
    # {department code: short name}
    departments: dict[str, str]
    # {division code: name}
    divisions: dict[str, str]
    # (department, source id) of records that exist: a row matching one updates it or
    # changes nothing, so its text is not built ahead.
    known: frozenset = frozenset()

    @classmethod
    def load(cls, divisions: dict[str, str]) -> "Names":
        """Read the term and department names; `divisions` gives the division names needed."""
        return cls(terms=dict(TaxonomyTerm.objects.values_list("code", "name")),
                   departments=dict(Department.objects.values_list("code", "short_name")),
                   divisions=divisions)


def payload_source(payload: dict, names: Names, location_id=None,
                   services: list | None = None) -> EntrySource:
    """Return the index facts of a record created from a checked row.

    `services` defaults to one public service per service term, named after it: what an
    import creates. `Writer.create_many` gives the ids of the services it links instead.
    """
    public_position = payload["latitude"] is not None and payload["longitude"] is not None
    last_verified = payload["last_verified"]
    return EntrySource(
        location_id=location_id, name=payload["name"], alternate_name="",
        category_code=payload["category"], category_name=names.terms[payload["category"]],
        department_id=payload["department"],
        department_short_name=names.departments[payload["department"]],
        services=(services if services is not None
                  else [(names.terms[code], [code]) for code in payload["services"]]),
        groups=[(names.terms[code], code) for code in payload["target_groups"]],
        regions=[names.divisions[payload[level]] for level in ("district", "street", "community")
                 if payload[level]],
        district_id=payload["district"], street_id=payload["street"],
        community_id=payload["community"], address=payload["address"],
        latitude=payload["latitude"] if public_position else None,
        longitude=payload["longitude"] if public_position else None,
        is_free=payload["is_free"], min_age=payload["min_age"], max_age=payload["max_age"],
        last_verified=datetime.date.fromisoformat(last_verified) if last_verified else None,
    )


# Set in the parent just before the workers fork, so that they inherit it without pickling.
_job: tuple[RowValidator, Names | None] | None = None


def _check(rows: list[tuple[int, list[str]]]) -> list[tuple[dict | None, list[Finding],
                                                            dict | None]]:
    validator, names = _job
    results = []
    for row, cells in rows:
        payload, findings = validator.clean(row, cells)
        text = None
        if payload is not None and names is not None and (
                payload["department"], payload["source_id"]) not in names.known:
            text = source_text(payload_source(payload, names))
        results.append((payload, findings, text))
    return results


def _run_check(rows):
    # Found by name when called, so a worker runs whatever `_check` is when it forks.
    return _check(rows)


def worker_count(rows: int) -> int:
    """Return how many worker processes check `rows` rows; 1 means this process does."""
    configured = settings.CAREMAP_IMPORT_WORKERS or min(os.cpu_count() or 1, 4)
    if rows < settings.CAREMAP_IMPORT_PARALLEL_ROWS or "fork" not in (
            multiprocessing.get_all_start_methods()):
        return 1
    return max(1, min(configured, rows))


def check_rows(validator: RowValidator, rows: list[tuple[int, list[str]]],
               names: Names | None = None,
               progress: Callable[[int], None] | None = None,
               ) -> Iterator[tuple[int, dict | None, list[Finding], dict | None]]:
    """Yield (row, payload or None, findings, search text or None) for each row, in order.

    The search text, that of a new record (`payload_source`), is built only when `names` is
    given: for an import that writes.
    `progress(done)` is called after each chunk.
    """
    global _job
    workers = worker_count(len(rows))
    size = max(1, min(CHUNK_ROWS, -(-len(rows) // workers)))
    chunks = [rows[i:i + size] for i in range(0, len(rows), size)]
    _job = (validator, names)
    try:
        if workers == 1:
            results = map(_run_check, chunks)
            yield from _numbered(chunks, results, progress)
            return
        # Not multiprocessing.Pool: it replaces a worker that dies (killed by the kernel for
        # memory, say) and waits forever for the chunk it held. The executor raises
        # BrokenProcessPool instead, so the import fails (WorkerDied) and its transaction
        # rolls back.
        executor = ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("fork"))
        try:
            yield from _numbered(chunks, executor.map(_run_check, chunks), progress)
        except BrokenProcessPool as exc:
            logger.error("import check failed: a worker process ended rows=%d workers=%d "
                         "error=%s", len(rows), workers, exc)
            raise WorkerDied("a worker process checking the rows ended unexpectedly") from exc
        finally:
            # Chunks not yet started are dropped when the import has failed.
            executor.shutdown(wait=True, cancel_futures=True)
    finally:
        _job = None


def _numbered(chunks, results, progress):
    done = 0
    for chunk, checked in zip(chunks, results, strict=True):
        for (row, _), (payload, findings, text) in zip(chunk, checked, strict=True):
            yield row, payload, findings, text
        done += len(chunk)
        if progress:
            progress(done)


@contextmanager
def collector_paused():
    """Pause Python's cyclic garbage collector while an import builds many objects.

    Every row adds dictionaries and lists that live until the import ends, and each full
    collection walks all of them again, which cost about a tenth of a large import's time.
    Nothing the import builds forms a cycle that must be freed before it ends.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()
