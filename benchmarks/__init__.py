"""Benchmarks: qualytics-ci against the platform's own CLI on one sandbox.

``python -m benchmarks`` starts the sandbox with a ``bench:N`` seed and a fixed
latency per request, runs each scenario with both tools against the same data
(resetting the sandbox in between), counts the requests each tool sent from the
sandbox's own statistics, and writes ``benchmarks/RESULTS.md`` and a plot.
Not part of ``pytest``; a smoke run of it is (``tests/test_benchmarks_quick.py``).
"""
