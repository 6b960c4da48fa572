"""The rules of the domain: symbols, record shapes and their validation, lifecycles, labels.

Pure functions over plain JSON-shaped dicts; nothing here does I/O.
"""
