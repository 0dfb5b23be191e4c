"""Container entry point of the GitHub Action."""

from qualytics_ci.action.main import main
from qualytics_ci.cli import process

process.tune_gc()
process.settle("action")

process.exit_now(main())
