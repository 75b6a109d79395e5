"""Records: what an organisation sends a region is an incoming public record (allmän handling).

Each submitted version of an answer is one incoming document with a reference and a date of
arrival. Staff download it as PDF, all of them with their files as a ZIP, and the list of
incoming documents for the region's records system; the registrar's mailbox may be told of each
as it arrives; once the results are published the whole consultation is an archive package.

The package is kept light on purpose: the answering flow imports ``records.services`` to tell
the registrar, so the routes live in ``records.views`` (registered by ``records.views.init_app``).
"""
