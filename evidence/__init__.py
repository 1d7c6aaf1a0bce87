"""Evidence: training a person did elsewhere, uploaded with a certificate and checked by
whoever manages their membership. Verifying it writes a training record through `training`'s
record service; the file is kept in private storage and served only to those who may see it.
"""
