"""Collection settings for the whole repository (doctests in the package and docs)."""

# Importing __main__ would run the command line.
collect_ignore = ["trajectory/__main__.py"]
