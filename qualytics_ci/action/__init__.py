"""The GitHub Action: inputs, the runner's workflow commands and summary, GitHub's REST API.

action uses cli, folder, api, results and render (it is the top layer); never sandbox.
"""
