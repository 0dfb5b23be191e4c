"""The HTTP edge: the client, its errors, typed resources, the operations poller, settings.

api uses only errors, secrets and progress; never folder, engine, promote, render or action.
"""
