"""HTTP client for the Qualytics API: the only module that speaks HTTP.

One pooled :class:`requests.Session` per client, bearer auth, JSON in and out,
pagination over the ``{items,total,page,size,pages}`` envelope, retries with
exponential backoff for answers that mean "try again", and typed errors
(:mod:`qualytics_ci.api.errors`). Which calls are tried again, and when, is
:mod:`qualytics_ci.api.retry`: reads on 5xx and transport failures; writes that
are not idempotent (POST, PATCH) only when the server cannot have processed them
(the connection was never made, or the server answered 429). Every write takes a
slot of the client's write window (:mod:`qualytics_ci.api.window`) before it is
sent, so all the writes of a run share one adaptive limit.
"""

from __future__ import annotations

import collections
import contextlib
import contextvars
import itertools
import logging
import random as _random
import time
from collections.abc import Callable, Iterator, Mapping
from concurrent.futures import ThreadPoolExecutor
from typing import Any
from urllib.parse import urlsplit

import requests

from qualytics_ci import __version__, secrets
from qualytics_ci.api import retry
from qualytics_ci.api.counter import RequestCounter
from qualytics_ci.api.errors import (
    APIError,
    Conflict,
    Forbidden,
    NotFound,
    RateLimited,
    ServerError,
    TransportError,
    Unauthorized,
    Unprocessable,
    error_for_status,
    transport_error,
)
from qualytics_ci.api.resources import Resources
from qualytics_ci.api.url import encode_params, normalize_url
from qualytics_ci.api.window import (
    DEFAULT_CONCURRENCY,
    THROTTLE_STATUSES,
    Slot,
    Slots,
    SlowDownNotes,
    Window,
)
from qualytics_ci.api.wire import Wire, decoded, error_detail

__all__ = [
    "APIError", "Client", "Conflict", "Forbidden", "NotFound", "RateLimited", "RequestCounter",
    "ServerError", "TransportError", "Unauthorized", "Unprocessable", "normalize_url",
]

log = logging.getLogger("qualytics_ci.http")

# list pages read at once after the first (never more than the client's --concurrency): at
# 25 ms a 10,000-check plan's reads take about 0.6 s at 8, twice that at 4
PAGE_CONCURRENCY = 8


_NOTES_TO: contextvars.ContextVar[Callable[[str], None] | None] = contextvars.ContextVar(
    "qualytics_ci_notes_to", default=None)


@contextlib.contextmanager
def notes_to(notify: Callable[[str], None]) -> Iterator[None]:
    """Within the block (and the page reads it starts), retry lines go to ``notify``
    instead of the client's notifier: a read in the background keeps them until its
    result is asked for, and drops them if it never is."""
    token = _NOTES_TO.set(notify)
    try:
        yield
    finally:
        _NOTES_TO.reset(token)


def _slashed(path: str) -> str:
    return path if path.startswith("/") else f"/{path}"


def _sleep(seconds: float) -> None:
    time.sleep(seconds)  # looked up at call time


class Client(Resources):
    """A connection to one Qualytics deployment, safe to share between threads."""

    def __init__(
        self,
        url: str,
        token: str,
        *,
        timeout: float = 30.0,
        connect_timeout: float = 10.0,
        max_writes: int = DEFAULT_CONCURRENCY,
        pool_size: int | None = None,
        max_retries: int = 5,
        sleep: Callable[[float], None] | None = None,
        random: Callable[[], float] = _random.random,
        backoff_base: float = 0.5,
        backoff_max: float = 30.0,
        max_retry_after: float = 60.0,
        verify: bool = True,
        notify: retry.Notifier | None = None,
    ) -> None:
        self.base_url = normalize_url(url)
        self.host = urlsplit(self.base_url).netloc
        secrets.register(token)
        self.timeout = timeout
        self.connect_timeout = connect_timeout
        self.max_retries = max_retries
        self.backoff_base = backoff_base
        self.backoff_max = backoff_max
        self.max_retry_after = max_retry_after
        self._sleep = sleep if sleep is not None else _sleep
        self._random = random
        self._notify = notify
        self._slow_down = SlowDownNotes(self._tell) if notify is not None else None
        self._answered = False  # has any call succeeded yet (for the wrong-URL hint)
        self.counter = RequestCounter()
        self.writes = Slots(Window(max_writes), sleep=self._sleep)
        # room for every write the window lets go plus a list read beside them
        self.page_reads = min(PAGE_CONCURRENCY, max_writes)
        pool = pool_size if pool_size is not None else max_writes + self.page_reads
        self._wire = Wire(self.base_url, token, user_agent=f"qualytics-ci/{__version__}",
                          verify=verify, pool_size=pool)
        self._session = self._wire.session

    def __repr__(self) -> str:
        return f"Client({self.base_url!r})"

    def close(self) -> None:
        self._wire.close()

    def __enter__(self) -> Client:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def backoff(self, attempt: int) -> float:
        """Delay before retry number ``attempt`` (1-based): exponential with jitter."""
        return retry.backoff(attempt, base=self.backoff_base, cap=self.backoff_max,
                             jitter=self._random())

    def request(
        self,
        method: str,
        path: str,
        *,
        params: Mapping[str, Any] | None = None,
        json: Any = None,
    ) -> Any:
        """Send one API call (retrying where safe); the decoded JSON answer, or None."""
        method, path = method.upper(), _slashed(path)
        return decoded(method, path, self.host,
                       self._answer(method, path, params=params, json=json))

    def _answer(self, method: str, path: str, *, params: Mapping[str, Any] | None = None,
                json: Any = None) -> requests.Response:
        """The answer of one API call under 400 (retrying where safe), not decoded yet;
        an answer of 400 or more raises."""
        data = retry.encode_body(method, path, json)
        prepared = self._wire.prepare(method, path, encode_params(params), data)
        write = retry.is_write(method)
        attempt = 0
        waited_until = 0.0  # a closed window this call already slept through
        while True:
            attempt += 1
            slot = self.writes.take(waited_until) if write else None
            self.counter.add(method, path)
            started = time.perf_counter()
            try:
                response = self._wire.send(prepared, (self.connect_timeout, self.timeout))
            except BaseException as exc:
                if slot is not None:
                    self.writes.failed(slot)
                if not isinstance(exc, requests.RequestException):
                    raise
                reason = retry.reason(exc, self.timeout)
                log.debug("%s %s -> %s", method, path, reason)
                if retry.retries_failure(method, exc) and attempt <= self.max_retries:
                    self._pause(self.backoff(attempt), method, path, reason, attempt)
                    continue
                raise transport_error(
                    method, path, host=self.host, reason=reason, attempts=attempt,
                    maybe_applied=method in retry.NOT_IDEMPOTENT and not retry.not_sent(exc),
                ) from exc
            status = response.status_code
            log.debug("%s %s -> %d in %.0f ms", method, path, status,
                      (time.perf_counter() - started) * 1000)
            delay = (retry.retry_after(response, self.max_retry_after)
                     if status in THROTTLE_STATUSES or retry.retries_status(method, status)
                     else None)
            if slot is not None:
                waited_until = self._settle(slot, status, delay)
            if status < 400:
                self._answered = True
                return response
            if retry.retries_status(method, status) and attempt <= self.max_retries:
                wait = self.backoff(attempt) if delay is None else delay
                if status in THROTTLE_STATUSES and self._slow_down is not None:
                    log.debug("retrying %s %s in %.2f s (HTTP %d)", method, path, wait, status)
                    self._slow_down.refused(status, wait, method, path,
                                            self.writes.limit if write else None)
                    self._sleep(wait)
                else:
                    self._pause(wait, method, path, f"HTTP {status}", attempt)
                continue
            raise error_for_status(
                method, path, status, error_detail(response),
                host=self.host, body=json, attempts=attempt,
                base_url=None if self._answered else self.base_url,
            )

    def _settle(self, slot: Slot, status: int, delay: float | None) -> float:
        """Give a write's slot back, telling the window what its answer says about the
        server's load; the time until which a Retry-After holds writes back (0: none)."""
        if status in THROTTLE_STATUSES:
            until = self.writes.throttled(slot, delay)
            return until if delay is not None else 0.0
        if status >= 500:
            self.writes.failed(slot)
        else:
            self.writes.answered(slot)
        return 0.0

    def _tell(self, line: str) -> None:
        """A retry's line, to the notifier of the calling context (:func:`notes_to`)."""
        notify = _NOTES_TO.get() or self._notify
        if notify is not None:
            notify(line)

    def _pause(self, delay: float, method: str, path: str, why: str, attempt: int) -> None:
        log.debug("retrying %s %s in %.2f s (%s)", method, path, delay, why)
        if self._notify is not None:
            self._tell(retry.retry_line(delay, why, method, path, attempt,
                                            self.max_retries + 1))
        self._sleep(delay)

    def get(self, path: str, *, params: Mapping[str, Any] | None = None) -> Any:
        return self.request("GET", path, params=params)

    def post(self, path: str, *, json: Any = None,
             params: Mapping[str, Any] | None = None) -> Any:
        return self.request("POST", path, params=params, json=json)

    def put(self, path: str, *, json: Any = None,
            params: Mapping[str, Any] | None = None) -> Any:
        return self.request("PUT", path, params=params, json=json)

    def patch(self, path: str, *, json: Any = None,
              params: Mapping[str, Any] | None = None) -> Any:
        return self.request("PATCH", path, params=params, json=json)

    def delete(self, path: str, *, params: Mapping[str, Any] | None = None,
               json: Any = None) -> Any:
        return self.request("DELETE", path, params=params, json=json)

    def paginate(
        self, path: str, params: Mapping[str, Any] | None = None, *, size: int = 100
    ) -> Iterator[dict[str, Any]]:
        """Every item of a paginated list, in order (``page`` is 1-based).

        The first page gives ``total``; the other pages are then read a few at a time
        (the same requests as one by one, in less wall time). Stops at an empty page,
        or when a page brings nothing new, so a server that ignores ``page`` cannot
        make this loop forever; without a ``total`` it reads on until a short page.
        """
        query, path = dict(params or {}), _slashed(path)

        def fetch(page: int) -> requests.Response:
            return self._answer("GET", path, params={**query, "page": page, "size": size})

        def bodies(answers: Iterator[requests.Response]) -> Iterator[Any]:
            for answer in answers:
                yield decoded("GET", path, self.host, answer)

        first = decoded("GET", path, self.host, fetch(1))
        if isinstance(first, list):  # an unpaginated answer: everything at once
            yield from first
            return
        total = first.get("total") if isinstance(first, dict) else None
        if isinstance(total, int):
            last = max(1, -(-total // size))
            # read ahead by threads, decoded here: the pages waiting are their bytes only
            pages: Iterator[Any] = bodies(self._prefetched(fetch, range(2, last + 1)))
        else:
            pages = bodies(fetch(page) for page in itertools.count(2))
        seen: set[Any] = set()
        previous: list[Any] | None = None
        for body in itertools.chain([first], pages):
            items: list[dict[str, Any]] = (body.get("items") if isinstance(body, dict)
                                           else None) or []
            ids = [item.get("id") if isinstance(item, dict) else None for item in items]
            keyed = all(i is not None for i in ids)
            if not items or items == previous or (keyed and seen.issuperset(ids)):
                return
            seen.update(i for i in ids if i is not None)
            previous = items
            yield from items
            if not isinstance(total, int) and len(items) < size:
                return

    def _prefetched(self, fetch: Callable[[int], Any], pages: range) -> Iterator[Any]:
        """``fetch(page)`` for each page, answers in order, with at most ``page_reads``
        requests ahead of the consumer (so stopping early wastes at most that many)."""
        if len(pages) <= 1:
            yield from (fetch(page) for page in pages)
            return
        ahead_max = self.page_reads
        with ThreadPoolExecutor(min(ahead_max, len(pages))) as pool:
            # each page in a copy of this context, so that notes_to holds for its retries
            ahead = collections.deque(pool.submit(contextvars.copy_context().run, fetch, page)
                                      for page in pages[:ahead_max])
            rest = iter(pages[ahead_max:])
            try:
                while ahead:
                    body = ahead.popleft().result()
                    following = next(rest, None)
                    if following is not None:
                        ahead.append(pool.submit(contextvars.copy_context().run, fetch,
                                                 following))
                    yield body
            finally:
                for future in ahead:
                    future.cancel()
