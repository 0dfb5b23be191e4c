"""Container entry point of the GitHub Action."""

import sys

from qualytics_ci.action.main import main

sys.exit(main())
