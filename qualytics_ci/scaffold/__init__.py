"""``init``: the files a new config repository starts with.

``templates`` holds their text and where they go; ``init`` writes them (the folder
exported through ``engine.commands`` when a target is given, else the packaged
example). The data beside it: ``example/``, a folder exported from the sandbox's
demo seed, and ``workflows/``, a link to ``docs/workflows`` (packaged as files).
It imports the base, results, folder, api and engine.
"""
