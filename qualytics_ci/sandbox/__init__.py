"""A local emulator of the Qualytics REST API (FastAPI + uvicorn).

sandbox uses only errors and itself; nothing but demo and the `sandbox` command imports it.
Start one with :func:`qualytics_ci.sandbox.server.start_sandbox` or ``qualytics-ci sandbox``.
"""
