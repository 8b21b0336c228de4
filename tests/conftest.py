"""Test set-up: real databases with the demo data loaded once, and no network but loopback.

The database is SQLite unless DATABASE_URL points elsewhere; scripts/test runs the suite once
on each of SQLite and PostgreSQL.
"""

import ipaddress
import socket

import pytest
from django.core.management import call_command

_real_connect = socket.socket.connect
_real_connect_ex = socket.socket.connect_ex


def _is_loopback(address) -> bool:
    if not isinstance(address, tuple):
        return True  # Unix sockets and the like stay on this machine.
    host = address[0]
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _guarded(real):
    def connect(self, address):
        if not _is_loopback(address):
            raise ConnectionRefusedError(f"tests may reach loopback only, not {address!r}")
        return real(self, address)

    return connect


@pytest.fixture(autouse=True, scope="session")
def _block_network():
    socket.socket.connect = _guarded(_real_connect)
    socket.socket.connect_ex = _guarded(_real_connect_ex)
    yield
    socket.socket.connect = _real_connect
    socket.socket.connect_ex = _real_connect_ex


@pytest.fixture(autouse=True)
def _empty_holiday_table():
    """Cache an empty holiday table, so schedules evaluate in tests without database access.

    Saving or deleting a Holiday drops the cache, and the next evaluation reads the database.
    """
    from caremap.directory import holidays

    holidays.use_table({})
    yield
    holidays.invalidate()


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """Load divisions, vocabularies, content and the demo data set into the test database."""
    with django_db_blocker.unblock():
        call_command("setupdemo", verbosity=0)


@pytest.fixture
def api_get(client):
    """GET an API path and return (status, parsed JSON)."""

    def get(path: str, **params):
        response = client.get(path, params)
        return response.status_code, response.json()

    return get
