"""Config as code: read the target, plan, apply, export, drift; the commands CLI and Action share.

engine uses folder, api and results; never promote, render, cli, action or sandbox.
"""
