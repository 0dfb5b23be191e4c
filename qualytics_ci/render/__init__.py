"""Renderers: Plan and report objects to terminal text, markdown and JSON."""
