"""Evaluations' writes."""
