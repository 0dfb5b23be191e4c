"""Parallel writers lose nothing: 32 threads x 50 creates -> 1,600 distinct checks."""

from __future__ import annotations

import http.client
import json
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from urllib.parse import urlsplit

from qualytics_ci.sandbox.server import RunningSandbox

from .conftest import Api

THREADS, PER_THREAD = 32, 50


def test_concurrent_writers_lose_nothing(sandbox_factory: Callable[..., RunningSandbox]) -> None:
    server = sandbox_factory(seed="bench:1")
    admin = Api(server)
    twin = admin.datastore("bench-twin")
    table = admin.container(twin["id"], "table_0001")
    where = urlsplit(server.url)
    headers = {**server.headers(), "Content-Type": "application/json"}

    def writer(n: int) -> list[int]:
        # plain http.client keeps the 32 client threads light next to the server thread
        conn = http.client.HTTPConnection(where.hostname or "", where.port, timeout=30)
        ids = []
        for i in range(PER_THREAD):
            body = {"container_id": table["id"], "rule": "notNull", "fields": ["id"],
                    "additional_metadata": {"_qualytics_check_uid": f"w{n}-{i}"}}
            conn.request("POST", "/api/quality-checks", json.dumps(body), headers)
            response = conn.getresponse()
            assert response.status == 200
            ids.append(json.loads(response.read())["id"])
        conn.close()
        return ids

    with ThreadPoolExecutor(THREADS) as pool:
        ids = [i for chunk in pool.map(writer, range(THREADS)) for i in chunk]
    assert len(set(ids)) == THREADS * PER_THREAD
    listed = set()
    page = 1
    while True:
        body = admin.ok("GET", "/quality-checks", params={"datastore": twin["id"], "size": 100,
                                                          "page": page})
        listed |= {c["additional_metadata"]["_qualytics_check_uid"] for c in body["items"]}
        if page >= body["pages"]:
            break
        page += 1
    assert len(listed) == THREADS * PER_THREAD
