"""Renderers: Plan and Report objects to terminal text, markdown and JSON."""
