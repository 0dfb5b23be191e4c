"""Container entry point of the GitHub Action."""

import sys

from qualytics_ci.action.main import main
from qualytics_ci.cli.process import tune_gc

tune_gc()

sys.exit(main())
