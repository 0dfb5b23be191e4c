"""Injected faults (latency, failures, rate limit) and the request log, as one ASGI middleware.

Order for each ``/api`` request: wait ``latency_ms`` (``asyncio.sleep``: the
event loop serves other requests meanwhile); refuse with 429 (and
``Retry-After`` in whole seconds) above ``rate_limit`` requests per second
(token bucket, see :meth:`Faults.throttle`); fail a ``fail_rate`` fraction
with 503 or 500 (seeded RNG, decided before the request is processed, so a
failed write changed nothing); otherwise serve — except that a ``lost_rate``
fraction of writes is applied and then answered with 502, as when a proxy
loses the response (the client cannot know whether its write happened).
Every ``/api`` request but the docs is logged with its path template;
``/_sandbox`` control requests are neither faulted nor logged.
"""

from __future__ import annotations

import asyncio
import json
import math
import random
import threading
import time
from bisect import bisect_right, insort
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from starlette.routing import compile_path
from starlette.types import ASGIApp, Message, Receive, Scope, Send

UNLOGGED = ("/api/docs", "/api/openapi.json", "/api/redoc", "/api/docs/oauth2-redirect")


@dataclass
class Faults:
    """Fault settings, changeable at run time (POST /_sandbox/faults)."""

    latency_ms: float = 0.0
    fail_rate: float = 0.0
    rate_limit: float = 0.0
    lost_rate: float = 0.0
    fail_seed: int | None = None
    clock: Callable[[], float] = field(default=time.monotonic, repr=False)  # seconds
    _rng: random.Random = field(default_factory=random.Random, repr=False)
    _tokens: float = 0.0
    _last: float = 0.0
    _owed: list[float] = field(default_factory=list, repr=False)  # when 429'd requests return
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def __post_init__(self) -> None:
        self._rng = random.Random(self.fail_seed)
        self._tokens = self._burst()
        self._last = self.clock()

    def _burst(self) -> float:
        """The bucket's size: one second's worth of requests (at least one request)."""
        return max(1.0, self.rate_limit)

    def _refill(self, now: float) -> None:
        self._tokens = min(self._burst(), self._tokens + (now - self._last) * self.rate_limit)
        self._last = now

    def update(self, settings: dict[str, Any]) -> None:
        """Apply new settings (keys latency_ms, fail_rate, rate_limit, fail_seed)."""
        with self._lock:
            limited = self.rate_limit > 0
            self._refill(self.clock())
            for key in ("latency_ms", "fail_rate", "rate_limit", "lost_rate"):
                if settings.get(key) is not None:
                    setattr(self, key, float(settings[key]))
            if "fail_seed" in settings:
                self.fail_seed = settings["fail_seed"]
                self._rng = random.Random(self.fail_seed)
            # a new limit starts with a full bucket; a changed one keeps what is left
            self._tokens = min(self._tokens, self._burst()) if limited else self._burst()
            if self.rate_limit <= 0:
                self._owed.clear()

    def as_dict(self) -> dict[str, Any]:
        """Current settings."""
        return {"latency_ms": self.latency_ms, "fail_rate": self.fail_rate,
                "rate_limit": self.rate_limit, "lost_rate": self.lost_rate,
                "fail_seed": self.fail_seed}

    def throttle(self) -> int | None:
        """Seconds to wait if this request exceeds the rate limit, else None.

        A token bucket: it holds up to one second's worth of requests (``rate_limit``,
        at least 1) and refills continuously at ``rate_limit`` per second; a request
        takes a token or is refused. The wait (``Retry-After``, whole seconds, at least
        1) is how long until a token is free for this request *after* the ones already
        owed to requests refused earlier and not yet due back, so clients that honour
        it come back spread over the seconds the bucket needs to serve them, rather
        than all at once to fight over the same tokens."""
        if self.rate_limit <= 0:
            return None
        with self._lock:
            now = self.clock()
            self._refill(now)
            if self._tokens >= 1:
                self._tokens -= 1
                return None
            del self._owed[:bisect_right(self._owed, now)]
            wait = max(1, math.ceil((1 + len(self._owed) - self._tokens) / self.rate_limit))
            insort(self._owed, now + wait)
            return wait

    def failure(self) -> int | None:
        """503 or 500 for an unlucky request, else None."""
        if self.fail_rate <= 0:
            return None
        with self._lock:
            if self._rng.random() >= self.fail_rate:
                return None
            return 503 if self._rng.random() < 0.75 else 500


    def lost(self, method: str) -> bool:
        """True when this write's response should be lost after it is applied."""
        if self.lost_rate <= 0 or method not in WRITES:
            return False
        with self._lock:
            return self._rng.random() < self.lost_rate


WRITES = frozenset({"POST", "PUT", "PATCH", "DELETE"})


class RequestLog:
    """Served ``/api`` requests: ``{seq, method, path, template, status, duration_ms}``."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.entries: list[dict[str, Any]] = []
        self.by_method: Counter[str] = Counter()
        self.by_template: Counter[str] = Counter()
        self._seq = 0

    def add(self, method: str, path: str, template: str, status: int, duration_ms: float) -> None:
        """Record one request."""
        with self._lock:
            self._seq += 1
            self.entries.append({"seq": self._seq, "method": method, "path": path,
                                 "template": f"{method} {template}", "status": status,
                                 "duration_ms": round(duration_ms, 3)})
            self.by_method[method] += 1
            self.by_template[f"{method} {template}"] += 1
            if len(self.entries) > 200_000:
                del self.entries[:100_000]

    def since(self, seq: int) -> list[dict[str, Any]]:
        """Entries with ``seq`` greater than the given one."""
        with self._lock:
            return [e for e in self.entries if e["seq"] > seq]

    def stats(self) -> dict[str, Any]:
        """Totals by method and path template."""
        with self._lock:
            return {"total": sum(self.by_method.values()), "by_method": dict(self.by_method),
                    "by_template": dict(self.by_template), "last_seq": self._seq}

    def clear(self) -> None:
        """Forget everything (sequence numbers keep growing)."""
        with self._lock:
            self.entries.clear()
            self.by_method.clear()
            self.by_template.clear()


class FaultsMiddleware:
    """Pure ASGI middleware applying :class:`Faults` and filling the :class:`RequestLog`."""

    def __init__(self, app: ASGIApp, faults: Faults, log: RequestLog,
                 routes: list[tuple[str, set[str]]]) -> None:
        self.app = app
        self.faults = faults
        self.log = log
        # (path regex, methods, template) to name requests that never reached a route
        self.templates = [(compile_path(path)[0], methods, path) for path, methods in routes]

    def _template(self, scope: Scope) -> str:
        route = scope.get("route")
        if route is not None:  # routers' routes carry their path without the /api prefix
            path = str(route.path)
            return path if path.startswith("/api") else "/api" + path
        for regex, methods, template in self.templates:
            if scope["method"] in methods and regex.match(scope["path"]):
                return template
        return str(scope["path"])

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        path = scope.get("path", "")
        if scope["type"] != "http" or not path.startswith("/api") or path in UNLOGGED:
            await self.app(scope, receive, send)
            return
        start = time.perf_counter()
        status = 500
        if self.faults.latency_ms > 0:
            await asyncio.sleep(self.faults.latency_ms / 1000)

        async def send_wrapper(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        retry_after = self.faults.throttle()
        failure = None if retry_after is not None else self.faults.failure()
        try:
            if retry_after is not None:
                await _answer(send_wrapper, 429, "Too many requests",
                              [(b"retry-after", str(retry_after).encode())])
            elif failure is not None:
                text = "Service temporarily unavailable" if failure == 503 else \
                    "Internal server error (injected)"
                await _answer(send_wrapper, failure, text, [])
            elif self.faults.lost(scope["method"]):
                await self.app(scope, receive, _discard)
                await _answer(send_wrapper, 502,
                              "Bad gateway (injected: the request was applied, its answer lost)",
                              [])
            else:
                await self.app(scope, receive, send_wrapper)
        finally:
            self.log.add(scope["method"], path, self._template(scope), status,
                         (time.perf_counter() - start) * 1000)


async def _discard(message: Message) -> None:
    """Swallow a response (the write behind it stays applied)."""


async def _answer(send: Send, status: int, detail: str,
                  headers: list[tuple[bytes, bytes]]) -> None:
    body = json.dumps({"detail": detail}).encode()
    await send({"type": "http.response.start", "status": status, "headers": [
        (b"content-type", b"application/json"), (b"content-length", str(len(body)).encode()),
        *headers]})
    await send({"type": "http.response.body", "body": body})
