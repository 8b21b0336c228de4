"""Read replicas: public reads go to the replica, writes and signed-in users to the primary.

The "replica" here is a second, separately migrated database that holds no service points, so
every read that reaches it shows up as an empty answer.
"""

import pytest
from django.core.management import call_command
from django.db import connections, transaction
from django.test import override_settings

from caremap.search.query import PointQuery, run_query

pytestmark = pytest.mark.django_db(databases=["default", "replica1"])


@pytest.fixture(autouse=True)
def _discount_test_transaction(monkeypatch):
    # Each test runs inside the test framework's transaction; only blocks opened by the code
    # under test should pin reads to the primary.
    from caremap.search import replicas

    monkeypatch.setattr(replicas, "OUTER_ATOMIC_BLOCKS", len(connections["default"].atomic_blocks))


@pytest.fixture(scope="module", autouse=True)
def replica(django_db_setup, django_db_blocker, tmp_path_factory):
    # Added after the test databases exist, so the suite's set-up leaves it alone.
    path = tmp_path_factory.mktemp("replica") / "replica.sqlite3"
    connections.settings["replica1"] = {
        **connections.settings["default"],
        "ENGINE": "django.db.backends.sqlite3", "NAME": str(path),
        "OPTIONS": {}, "TEST": {"NAME": str(path), "MIRROR": None},
    }
    with django_db_blocker.unblock():
        call_command("migrate", database="replica1", verbosity=0)
    yield "replica1"
    connections["replica1"].close()
    del connections.settings["replica1"]


def test_public_reads_use_the_replica_and_writes_the_primary(replica, client):
    from caremap.content.models import Hotline

    on_primary = run_query(PointQuery(q="儿童"), facets=False).count
    assert on_primary > 0
    with override_settings(CAREMAP_READ_REPLICAS=[replica]):
        assert run_query(PointQuery(q="儿童"), facets=False).count == 0
        assert client.get("/api/v1/points", {"q": "儿童"}).json()["count"] == 0
        assert client.get("/api/v1/clusters", {"zoom": 5}).json()["count"] == 0
        before = Hotline.objects.using("default").count()
        Hotline.objects.create(name="测试热线", number="12355")
        assert Hotline.objects.using("default").count() == before + 1
        assert Hotline.objects.using(replica).count() == 0
        # Inside a transaction on the primary, reads stay there.
        with transaction.atomic():
            assert run_query(PointQuery(q="儿童"), facets=False).count == on_primary


def test_signed_in_users_read_the_primary(replica, client, django_user_model):
    user = django_user_model.objects.create_user("editor")
    client.force_login(user)
    with override_settings(CAREMAP_READ_REPLICAS=[replica]):
        # The session is read from the primary; the search follows the user there.
        assert client.get("/api/v1/points", {"q": "儿童"}).json()["count"] > 0
