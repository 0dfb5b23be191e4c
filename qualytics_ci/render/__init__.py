"""Renderers: terminal, markdown and JSON views of plans and reports.

render uses results and secrets only; it never calls the API or reads the folder.
"""
