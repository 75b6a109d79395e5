"""Personal data: the privacy notice, a contact person's data on request, the audit log, purging.

The blueprint lives in ``views.py`` rather than here, so that every area can import
``audit_log`` to record what its staff see without loading these views (and what they import).
"""
