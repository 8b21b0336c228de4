"""Give Datasette's SQLite connections the distance function caremap's SQL uses.

Only for the benchmark: it lets Datasette run caremap's exact SQL through `?sql=`.
"""

from datasette import hookimpl

from caremap.geo.distance import haversine_m


def _distance(lat1, lng1, lat2, lng2):
    if lat2 is None or lng2 is None:
        return None
    return haversine_m(lat1, lng1, lat2, lng2)


@hookimpl
def prepare_connection(conn):
    conn.create_function("caremap_distance_m", 4, _distance, deterministic=True)
