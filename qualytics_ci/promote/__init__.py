"""Promote: the platform's four promote operations, previewed, run, waited for and reported.

promote uses api and results; never folder, engine, render, cli, action or sandbox.
"""
