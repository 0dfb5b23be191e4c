"""``python -m qualytics_ci``: the same as the ``qualytics-ci`` command."""

from qualytics_ci.cli import run

run()
