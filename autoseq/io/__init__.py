"""Data in and fitted models out.

:mod:`~autoseq.io.datasets` loads bundled and long-format data;
:mod:`~autoseq.io.persistence` saves and loads models (``autoseq.save`` /
``autoseq.load``) in the self-checking file of :mod:`~autoseq.io.fileformat`,
with the contents :mod:`~autoseq.io.contents` chooses.
"""
