"""Views for organisations' people, invitations and imports. Thin: parse input, check
permission with organisations.permissions, call a service or selector, render."""
