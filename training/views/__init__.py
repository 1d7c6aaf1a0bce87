"""Views for training. Thin: parse input, check permission, call a service or selector,
render. One module a topic: the catalogue, booking, my training, approvals, registers and
charges."""
