"""Renderers: terminal, markdown and JSON views of plans and reports."""
