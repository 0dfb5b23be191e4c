"""Run the sandbox with uvicorn: in a background thread (:func:`start_sandbox`)
or in the foreground (:func:`serve_forever`, used by ``qualytics-ci sandbox``)."""

from __future__ import annotations

import asyncio
import socket
import threading
from types import TracebackType
from typing import Any

import uvicorn

from qualytics_ci.sandbox import auth, seeds
from qualytics_ci.sandbox.app import Sandbox, create_app
from qualytics_ci.sandbox.faults import Faults
from qualytics_ci.sandbox.store import Store, load_state


def build_sandbox(*, seed: str = "demo", latency_ms: float = 0.0, fail_rate: float = 0.0,
                  fail_seed: int | None = None, rate_limit: float = 0.0,
                  operation_seconds: float = 0.0, state: str | None = None,
                  tokens: dict[str, str] | None = None, lost_rate: float = 0.0) -> Sandbox:
    """A :class:`Sandbox` seeded (or restored from ``state`` when that file exists)."""
    saved = load_state(state) if state else None
    data, json_of = (saved, {}) if saved is not None else seeds.build_rendered(seed)
    store = Store(data, state=state)
    store.operation_seconds = operation_seconds
    if saved is None:
        store.touch()  # a new state file is written at once
        store.rendered.update(json_of)  # after touch(), which forgets cached JSON
    sandbox = Sandbox(store=store, seed=seed, token_overrides=dict(tokens or {}),
                      faults=Faults(latency_ms=latency_ms, fail_rate=fail_rate,
                                    fail_seed=fail_seed, rate_limit=rate_limit,
                                    lost_rate=lost_rate))
    if tokens:
        auth.replace_tokens(store, tokens)
    return sandbox


def _listen(host: str, port: int) -> socket.socket:
    # proto=IPPROTO_TCP so asyncio sets TCP_NODELAY on accepted connections (else Nagle
    # plus delayed ACKs add ~40 ms to every response written in two parts)
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((host, port))
    sock.listen(2048)
    sock.set_inheritable(True)
    return sock


def _server(sandbox: Sandbox, host: str) -> uvicorn.Server:
    # http="auto": httptools' parser when installed (the sandbox extra brings it), h11 if not.
    # Concurrency: no limit_concurrency (uvicorn answers 503 above one), so every open
    # connection is served at once, injected latency being an asyncio.sleep; idle
    # keep-alive connections stay open 30 s (uvicorn's default, 5 s, would close a
    # client's pooled connections between its phases); the backlog is _listen's 2048.
    config = uvicorn.Config(create_app(sandbox), host=host, log_level="warning",
                            access_log=False, lifespan="off", http="auto",
                            timeout_keep_alive=30)
    return uvicorn.Server(config)


class RunningSandbox:
    """A sandbox served on a background thread. ``url`` has no ``/api`` suffix."""

    def __init__(self, sandbox: Sandbox, host: str, port: int) -> None:
        self.sandbox = sandbox
        self._sock = _listen(host, port)
        self.port: int = self._sock.getsockname()[1]
        self.url = f"http://{host}:{self.port}"
        self._server = _server(sandbox, host)
        self._thread = threading.Thread(target=self._run, daemon=True, name="sandbox-server")
        self._thread.start()
        while not self._server.started:
            if not self._thread.is_alive():
                raise RuntimeError("sandbox server failed to start")
            self._thread.join(0.005)

    def _run(self) -> None:
        asyncio.run(self._server.serve(sockets=[self._sock]))

    @property
    def tokens(self) -> dict[str, str]:
        """Tokens of the seed users: admin, manager, editor, reporter."""
        return self.sandbox.tokens()

    @property
    def store(self) -> Store:
        """The live store (for white-box checks in tests)."""
        return self.sandbox.store

    def headers(self, role: str = "admin") -> dict[str, str]:
        """HTTP headers authenticating as ``role`` (admin, manager, editor, reporter)."""
        return {"Authorization": f"Bearer {self.tokens[role]}"}

    def reset(self, seed: str | None = None) -> None:
        """Reseed in process (same effect as POST /_sandbox/reset)."""
        self.sandbox.reset(seed)
        self.sandbox.log.clear()

    def stop(self) -> None:
        """Stop serving, write the state file, release the port."""
        self._server.should_exit = True
        self._thread.join(timeout=10)
        self._sock.close()
        self.sandbox.store.close()

    def __enter__(self) -> RunningSandbox:
        return self

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.stop()


def start_sandbox(*, seed: str = "demo", host: str = "127.0.0.1", port: int = 0,
                  latency_ms: float = 0.0, fail_rate: float = 0.0, fail_seed: int | None = None,
                  rate_limit: float = 0.0, operation_seconds: float = 0.0,
                  state: str | None = None, tokens: dict[str, str] | None = None,
                  lost_rate: float = 0.0) -> RunningSandbox:
    """Serve a sandbox in a background thread; returns once it accepts connections."""
    sandbox = build_sandbox(seed=seed, latency_ms=latency_ms, fail_rate=fail_rate,
                            fail_seed=fail_seed, rate_limit=rate_limit,
                            operation_seconds=operation_seconds, state=state, tokens=tokens,
                            lost_rate=lost_rate)
    return RunningSandbox(sandbox, host, port)


def serve_forever(sandbox: Sandbox, host: str, port: int, on_ready: Any) -> None:
    """Serve in the foreground until interrupted; ``on_ready(url)`` once listening."""
    sock = _listen(host, port)
    server = _server(sandbox, host)
    bound = sock.getsockname()[1]

    async def main() -> None:
        task = asyncio.create_task(server.serve(sockets=[sock]))
        while not server.started and not task.done():
            await asyncio.sleep(0.01)
        if server.started:
            on_ready(f"http://{host}:{bound}")
        await task

    try:
        asyncio.run(main())
    finally:
        sock.close()
        sandbox.store.close()
