"""Review before publishing: which free texts and statements the public sees, and the staff's
queue for deciding. The blueprint lives in ``views``; ``rules`` imports only the models, so the
board, the API and the answering flow may import it without importing the queue's pages."""
