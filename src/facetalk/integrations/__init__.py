"""Integrations with other frameworks (optional extras); nothing in the core imports this package."""
