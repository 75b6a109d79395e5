"""The KICK method around a consultation: its checklist, dialogue meetings, and the survey on
the dialogue's quality that both sides answer afterwards. The blueprint is in ``views``, so the
board can use the services without importing the views."""
