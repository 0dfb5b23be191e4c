"""The GitHub Action: inputs, the runner's workflow commands and summary, GitHub's REST API.

action is the top layer: it drives cli and reads results and render; never sandbox.
"""
