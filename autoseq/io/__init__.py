"""Data in and fitted models out.

Loaders for bundled and long-format data; atomic, versioned persistence.
"""
