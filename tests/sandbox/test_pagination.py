"""The page envelope: {items, total, page, size, pages}, 1-based, size capped at 100."""

from __future__ import annotations

from collections.abc import Callable

from .conftest import Api


def _page(api: Api, path: str, **params: object) -> dict[str, object]:
    result: dict[str, object] = api.ok("GET", path, params=params)
    return result


def test_empty_list(api: Callable[..., Api]) -> None:
    admin = api()
    ds = admin.datastore("lake-staging")
    body = _page(admin, "/quality-checks", datastore=ds["id"])
    assert body == {"items": [], "total": 0, "page": 1, "size": 50, "pages": 0}


def test_exact_and_partial_last_pages(api: Callable[..., Api]) -> None:
    admin = api()
    ds = admin.datastore("warehouse-dev")
    total = _page(admin, "/quality-checks", datastore=ds["id"])["total"]
    assert isinstance(total, int) and total > 10
    exact = _page(admin, "/quality-checks", datastore=ds["id"], size=total)
    assert len(exact["items"]) == total and exact["pages"] == 1  # type: ignore[arg-type]
    after = _page(admin, "/quality-checks", datastore=ds["id"], size=total, page=2)
    assert after["items"] == [] and after["total"] == total
    size = 10
    last = (total + size - 1) // size
    tail = _page(admin, "/quality-checks", datastore=ds["id"], size=size, page=last)
    assert tail["pages"] == last and tail["page"] == last
    assert len(tail["items"]) == total - size * (last - 1)  # type: ignore[arg-type]
    seen = []
    for page in range(1, last + 1):
        items = _page(admin, "/quality-checks", datastore=ds["id"], size=size, page=page)["items"]
        seen += [c["id"] for c in items]  # type: ignore[attr-defined]
    assert len(seen) == len(set(seen)) == total


def test_size_over_100_and_page_0_are_422(api: Callable[..., Api]) -> None:
    admin = api()
    for params in ({"size": 101}, {"page": 0}, {"size": 0}):
        response = admin.get("/connections", params=params)
        assert response.status_code == 422
        detail = response.json()["detail"]
        assert detail[0]["loc"][0] == "query" and {"loc", "msg", "type"} <= set(detail[0])
    assert len(admin.ok("GET", "/connections", params={"size": 100})["items"]) == 6
