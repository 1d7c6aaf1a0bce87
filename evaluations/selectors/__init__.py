"""Reads of evaluations: what other apps may ask (gate) and the results pages' figures."""
