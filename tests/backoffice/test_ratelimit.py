"""Rate-limit counters: one row per client and window, incremented atomically.

The concurrency tests run their threads on database connections of their own, outside the
test's transaction, so each increment commits as it would in a worker process. On PostgreSQL
they use the test database. On SQLite they use a temporary database file, because the in-memory
test database cannot take writes from several connections at once.
"""

import threading

import pytest
from django.db import connections
from django.db.backends.sqlite3.base import DatabaseWrapper as SQLiteWrapper

from caremap.backoffice.models import RateCounter
from caremap.backoffice.ratelimit import count_recent, count_request, hit, recent_count

THREADS = 8
REQUESTS_PER_THREAD = 25
SQLITE_ALIAS = "ratelimit_concurrency"


class SharedDatabase:
    """A database alias that every thread reaches through a connection of its own."""

    def __init__(self, sqlite_path=None):
        self.sqlite_path = sqlite_path
        self.alias = SQLITE_ALIAS if sqlite_path else "default"

    def connect(self) -> None:
        """Open this thread's connection. On SQLite, an alias outside settings.DATABASES."""
        if self.sqlite_path:
            settings_dict = {**connections["default"].settings_dict,
                             "NAME": str(self.sqlite_path)}
            connections[SQLITE_ALIAS] = SQLiteWrapper(settings_dict, alias=SQLITE_ALIAS)

    def run(self, work, threads: int = 1) -> list:
        """Run `work` in `threads` threads at once; return the concatenated results."""
        results = []
        errors = []
        start = threading.Barrier(threads)

        def run_one():
            try:
                self.connect()
                start.wait()
                results.extend(work())
            except Exception as error:  # noqa: BLE001  (reported by the assert below)
                errors.append(error)
            finally:
                connections.close_all()
                if self.sqlite_path:
                    connections[SQLITE_ALIAS].close()

        workers = [threading.Thread(target=run_one) for _ in range(threads)]
        for worker in workers:
            worker.start()
        for worker in workers:
            worker.join()
        assert errors == []
        return results


@pytest.fixture
def shared_database(db, tmp_path):
    on_sqlite = connections["default"].vendor == "sqlite"
    shared = SharedDatabase(tmp_path / "counters.sqlite3" if on_sqlite else None)
    if on_sqlite:
        def create_table():
            with connections[SQLITE_ALIAS].schema_editor() as editor:
                editor.create_model(RateCounter)
            return []

        shared.run(create_table)
    yield shared
    # The threads' rows were committed, so the test's rollback does not remove them.
    shared.run(lambda: [RateCounter.objects.using(shared.alias)
                        .filter(scope="concurrency").delete()])


def _counts(shared, client, now):
    return [count_request("concurrency", client, 60, using=shared.alias, now=now)
            for _ in range(REQUESTS_PER_THREAD)]


def test_concurrent_requests_all_counted(shared_database):
    now = 1_800_000_000.0

    counts = shared_database.run(lambda: _counts(shared_database, "10.9.9.9", now), THREADS)

    total = THREADS * REQUESTS_PER_THREAD
    stored = shared_database.run(lambda: RateCounter.objects.using(shared_database.alias)
                                 .filter(scope="concurrency").values_list("count", flat=True))
    assert stored == [total]
    # Every request read back its own count: no two saw the same number.
    assert sorted(counts) == list(range(1, total + 1))


def test_concurrent_requests_over_limit(shared_database):
    now = 1_800_000_000.0
    limit = 30

    counts = shared_database.run(lambda: _counts(shared_database, "10.9.9.8", now), THREADS)

    allowed = [count <= limit for count in counts]
    assert allowed.count(True) == limit
    assert allowed.count(False) == THREADS * REQUESTS_PER_THREAD - limit


@pytest.mark.django_db
def test_windows_and_clients_counted_apart():
    now = 1_800_000_000.0  # a multiple of 60, so a window starts here

    assert count_request("api", "10.0.0.1", 60, now=now) == 1
    assert count_request("api", "10.0.0.1", 60, now=now + 59) == 2
    assert count_request("api", "10.0.0.2", 60, now=now) == 1
    assert count_request("forms", "10.0.0.1", 60, now=now) == 1
    assert count_request("api", "10.0.0.1", 60, now=now + 60) == 1


@pytest.mark.django_db
def test_finished_windows_are_deleted():
    now = 1_800_000_000.0
    count_request("api", "10.0.0.1", 60, now=now)
    count_request("api", "10.0.0.2", 60, now=now)

    # The first request of a later window removes the rows of windows that are over.
    count_request("api", "10.0.0.3", 60, now=now + 120)

    assert list(RateCounter.objects.values_list("client", flat=True)) == ["10.0.0.3"]


@pytest.mark.django_db
def test_hit_applies_limit(rf, settings):
    settings.CAREMAP_RATE_LIMITS = {**settings.CAREMAP_RATE_LIMITS, "forms": (2, 600)}
    request = rf.post("/points/1/correction/", REMOTE_ADDR="10.0.0.9")

    assert [hit("forms", request) for _ in range(3)] == [True, True, False]
    assert RateCounter.objects.get(client="10.0.0.9").count == 3


@pytest.mark.django_db
def test_hit_without_limit_counts_nothing(rf, settings):
    settings.CAREMAP_RATE_LIMITS = {**settings.CAREMAP_RATE_LIMITS, "api": (0, 60)}

    assert hit("api", rf.get("/api/v1/points", REMOTE_ADDR="10.0.0.9")) is True
    assert not RateCounter.objects.exists()


def test_concurrent_failures_all_counted(shared_database):
    now = 1_800_000_000.0

    def fail():
        return [count_recent("concurrency", "clerk", 900, using=shared_database.alias, now=now)
                for _ in range(REQUESTS_PER_THREAD)]

    counts = shared_database.run(fail, THREADS)

    total = THREADS * REQUESTS_PER_THREAD
    assert sorted(counts) == list(range(1, total + 1))


@pytest.mark.django_db
def test_recent_count_restarts_after_quiet_period():
    now = 1_800_000_000.0

    assert count_recent("login-user", "clerk", 900, now=now) == 1
    # Each event extends the period, so events 800 s apart keep adding up.
    assert count_recent("login-user", "clerk", 900, now=now + 800) == 2
    assert count_recent("login-user", "clerk", 900, now=now + 1600) == 3
    assert recent_count("login-user", "clerk", now=now + 1600 + 900) == 3
    assert recent_count("login-user", "clerk", now=now + 1600 + 901) == 0
    # After a quiet period the count starts again.
    assert count_recent("login-user", "clerk", 900, now=now + 1600 + 901) == 1
    assert recent_count("login-user", "other", now=now) == 0
