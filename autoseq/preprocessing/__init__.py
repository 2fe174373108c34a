"""Transformers that turn raw sequences into what a network reads.

Scaling, padding, windowing, target encoding and text tokenisation.
"""
