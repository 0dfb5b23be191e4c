"""What every command produces (plans, reports, drift, promote results) and their JSON forms.

results is pure data and uses only errors: the core builds it, the renderers read it.
"""
