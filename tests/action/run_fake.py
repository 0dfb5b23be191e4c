"""Run entrypoint.py as the container would, with the fake engine's handlers."""

import runpy
import sys
from pathlib import Path

from qualytics_ci import cli

cli.HANDLERS.update({
    "validate": "fake_engine:validate", "plan": "fake_engine:plan",
    "import": "fake_engine:import_", "drift": "fake_engine:drift",
    "promote": "fake_engine:promote",
})
sys.argv = ["entrypoint.py"]
runpy.run_path(str(Path(__file__).resolve().parents[2] / "entrypoint.py"), run_name="__main__")
