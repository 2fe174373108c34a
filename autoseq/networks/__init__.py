"""Keras building blocks: custom layers, the model builder, the built-in architectures.

The registry of architectures (:mod:`autoseq.registry`) stays at the top level:
it is the plugin authors' API.
"""
