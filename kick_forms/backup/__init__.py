"""Consistent backups of the database and their restore: ``flask kick backup`` and ``restore``."""
