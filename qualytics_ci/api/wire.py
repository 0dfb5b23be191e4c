"""One API call on the wire: the client's session, and each request prepared in a few steps.

``requests.Session.request`` merges the session's settings into every call again (headers,
cookies, auth, hooks, proxies, the environment), then prepares the URL and the body: about a
third of the client's CPU per call. A client talks to one host, with the same headers and
no cookies, so that work is done once here, when the client is made. Each call only appends
its path and query to the prepared base URL, copies the headers, sets the body and its
length, and hands the ``PreparedRequest`` to ``Session.send``: requests' own transport (its
adapter over urllib3's pool, its exceptions, its redirects), which is also what requests-mock
intercepts in the tests.

Cookies are neither kept nor sent: the token is the only credential.
"""

from __future__ import annotations

import http.cookiejar
import json
import os
from collections.abc import Sequence
from typing import Any
from urllib.parse import urlencode

import requests
from requests.adapters import HTTPAdapter
from requests.structures import CaseInsensitiveDict
from requests.utils import requote_uri

from qualytics_ci import jsonio
from qualytics_ci.api.errors import URL_HINT, APIError, detail_of

BODILESS = frozenset({"GET", "HEAD"})  # requests sends Content-Length: 0 for the others


class _BearerAuth(requests.auth.AuthBase):
    """Bearer token auth. Passing auth explicitly also keeps ~/.netrc from replacing it."""

    def __init__(self, token: str) -> None:
        self._token = token

    def __call__(self, request: requests.PreparedRequest) -> requests.PreparedRequest:
        request.headers["Authorization"] = f"Bearer {self._token}"
        return request

    def __repr__(self) -> str:
        return "_BearerAuth(***)"


def _settle_environment(session: requests.Session, base_url: str, verify: bool) -> None:
    """Read the proxy and CA-bundle variables once, for the one host this client talks
    to, instead of on every request (requests re-reads them per call when
    ``trust_env`` is on, which costs more CPU than the rest of a small request)."""
    session.trust_env = False
    session.proxies = {k: v for k, v in requests.utils.get_environ_proxies(base_url).items()
                       if k != "no"}
    bundle = os.environ.get("REQUESTS_CA_BUNDLE") or os.environ.get("CURL_CA_BUNDLE")
    session.verify = bundle if verify and bundle else verify


class Wire:
    """The pooled session of one client and the requests it sends."""

    def __init__(self, base_url: str, token: str, *, user_agent: str, verify: bool,
                 pool_size: int) -> None:
        session = requests.Session()
        # a request beyond pool_size waits for a connection instead of opening one that
        # would be discarded when it comes back ("Connection pool is full")
        adapter = HTTPAdapter(pool_connections=4, pool_maxsize=pool_size, pool_block=True,
                              max_retries=0)
        session.mount("https://", adapter)
        session.mount("http://", adapter)
        session.auth = self._auth = _BearerAuth(token)
        _settle_environment(session, base_url, verify)
        session.headers.update({"User-Agent": user_agent, "Accept": "application/json"})
        session.cookies.set_policy(http.cookiejar.DefaultCookiePolicy(allowed_domains=[]))
        self.session = session
        base = requests.PreparedRequest()
        base.prepare_url(base_url, None)  # IDNA host, quoting: as requests prepares it
        self._base = base.url or base_url
        self._headers = {k: v if isinstance(v, str) else v.decode("latin-1")
                         for k, v in session.headers.items()}

    def prepare(self, method: str, path: str, query: Sequence[tuple[str, str]],
                body: bytes | None) -> requests.PreparedRequest:
        """What ``Session.prepare_request`` would make of this call, in a few steps."""
        target = path
        if query:
            target += ("&" if "?" in path else "?") + urlencode(query)
        headers: CaseInsensitiveDict[str] = CaseInsensitiveDict(self._headers)
        if body is not None:
            headers["Content-Type"] = "application/json"
            headers["Content-Length"] = str(len(body))
        elif method not in BODILESS:
            headers["Content-Length"] = "0"
        request = requests.PreparedRequest()
        request.method = method
        request.url = self._base + requote_uri(target)
        request.headers = headers
        request.body = body
        return self._auth(request)

    def send(self, request: requests.PreparedRequest,
             timeout: tuple[float, float]) -> requests.Response:
        session = self.session
        return session.send(request, timeout=timeout, verify=session.verify,
                            proxies=session.proxies, cert=None, stream=False)

    def close(self) -> None:
        self.session.close()


def decoded(method: str, path: str, host: str, response: requests.Response) -> Any:
    """The JSON of an answer under 400 (None when it has no body); an answer that is not
    JSON raises, naming the call. Bytes are read as UTF-8 (or UTF-16/32), else in the
    charset the answer names; a charset is never guessed from the bytes."""
    content = response.content
    if response.status_code == 204 or not content:
        return None
    try:
        return jsonio.loads(content)
    except ValueError:
        pass
    if (response.encoding or "utf-8").lower().replace("_", "-") not in ("utf-8", "utf8"):
        try:
            return json.loads(_text(response, content))
        except (ValueError, RecursionError):
            pass
    raise APIError(
        f"{method} {path}: {host} answered {response.status_code} with something"
        " that is not JSON (is this the API address?)",
        method=method, path=path, status=response.status_code, hint=URL_HINT,
    )


def error_detail(response: requests.Response) -> Any:
    """What an answer of 400 or more says: its JSON's ``detail`` (or ``message``), else the
    start of its text. The body is read once; text that is not JSON is decoded as
    :func:`decoded` reads it."""
    content = response.content or b""
    try:
        body = jsonio.loads(content) if content else None
    except ValueError:
        body = None
    # detail_of keeps 300 characters of the text
    return detail_of(body, _text(response, content.strip()[:1200]))


def _text(response: requests.Response, data: bytes) -> str:
    """``data`` in the charset the answer names (UTF-8 when none or unknown), bad bytes
    replaced."""
    try:
        return data.decode(response.encoding or "utf-8", errors="replace")
    except LookupError:  # a charset Python does not know
        return data.decode("utf-8", errors="replace")
