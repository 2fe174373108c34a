"""scikit-learn estimators around one model each.

The Keras wrappers (``SeqClassifier``, ``SeqRegressor``), the sequence
autoencoder, the ROCKET ridge models and the ensembles.
"""
