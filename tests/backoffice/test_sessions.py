"""Signed-in sessions end after a period without requests, and a fixed time after sign-in."""

import types

import pytest
from django.contrib.auth import SESSION_KEY
from django.urls import reverse

from caremap.backoffice import sessions

MINUTE = 60
START = 1_800_000_000


@pytest.fixture
def clock(monkeypatch):
    """The session module's clock, moved by hand: `clock.now += seconds`."""
    fake = types.SimpleNamespace(now=START)
    monkeypatch.setattr(sessions, "time", types.SimpleNamespace(time=lambda: fake.now))
    return fake


@pytest.fixture
def signed_in(client, users, clock):
    client.force_login(users["reviewer"])
    return client


def _home(client):
    return client.get(reverse("backoffice:home"))


def _is_signed_in(client) -> bool:
    return SESSION_KEY in client.session


def test_idle_session_ends(signed_in, clock, settings):
    settings.CAREMAP_SESSION_IDLE_SECONDS = 30 * MINUTE
    assert _home(signed_in).status_code == 200

    clock.now += 30 * MINUTE + 1
    response = _home(signed_in)

    assert response.status_code == 302
    assert reverse("backoffice:login") in response["Location"]
    assert not _is_signed_in(signed_in)


def test_requests_keep_session_alive(signed_in, clock, settings):
    settings.CAREMAP_SESSION_IDLE_SECONDS = 30 * MINUTE

    # Two hours of requests 20 minutes apart: never idle for 30 minutes.
    for _ in range(6):
        clock.now += 20 * MINUTE
        assert _home(signed_in).status_code == 200

    assert _is_signed_in(signed_in)


def test_public_page_counts_as_activity(signed_in, clock, settings):
    settings.CAREMAP_SESSION_IDLE_SECONDS = 30 * MINUTE

    clock.now += 20 * MINUTE
    assert signed_in.get("/").status_code == 200
    clock.now += 20 * MINUTE

    assert _home(signed_in).status_code == 200


def test_active_session_ends_after_lifetime(signed_in, clock, settings):
    settings.CAREMAP_SESSION_IDLE_SECONDS = 30 * MINUTE
    settings.SESSION_COOKIE_AGE = 8 * 60 * MINUTE

    # Active all day: a request every 20 minutes for 8 hours is still inside the lifetime.
    for _ in range(24):
        clock.now += 20 * MINUTE
        assert _home(signed_in).status_code == 200

    clock.now += 20 * MINUTE
    response = _home(signed_in)

    assert response.status_code == 302
    assert not _is_signed_in(signed_in)


def test_idle_limit_zero_turns_off(signed_in, clock, settings):
    settings.CAREMAP_SESSION_IDLE_SECONDS = 0

    clock.now += 4 * 60 * MINUTE

    assert _home(signed_in).status_code == 200


def test_signing_in_again_restarts_clock(client, users, clock, settings):
    settings.CAREMAP_SESSION_IDLE_SECONDS = 30 * MINUTE
    client.force_login(users["reviewer"])
    clock.now += 60 * MINUTE
    assert _home(client).status_code == 302

    client.force_login(users["reviewer"])

    assert _home(client).status_code == 200


@pytest.mark.parametrize(("session", "expected"), [
    ({}, None),
    ({sessions.SIGNED_IN_AT: START, sessions.LAST_ACTIVITY: START}, None),
    ({sessions.SIGNED_IN_AT: START, sessions.LAST_ACTIVITY: START - 31 * MINUTE}, "idle"),
    ({sessions.SIGNED_IN_AT: START - 9 * 60 * MINUTE, sessions.LAST_ACTIVITY: START},
     "expired"),
])
def test_session_end_reason(settings, session, expected):
    settings.CAREMAP_SESSION_IDLE_SECONDS = 30 * MINUTE
    settings.SESSION_COOKIE_AGE = 8 * 60 * MINUTE

    assert sessions.session_end_reason(session, START) == expected
