"""The folder format: the model, reading and writing files, overrides, schema, rules, validate.

folder uses results, errors, secrets and progress; never api, engine, promote, render or action.
"""
