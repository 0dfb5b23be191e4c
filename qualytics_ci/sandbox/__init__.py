"""A local emulator of the Qualytics REST API (FastAPI + uvicorn).

Start one with :func:`qualytics_ci.sandbox.server.start_sandbox` or
``qualytics-ci sandbox``. See docs/sandbox.md for what it emulates.
"""
