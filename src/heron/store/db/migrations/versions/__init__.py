"""One module per schema revision, oldest first (see ``bootstrap.REVISIONS``)."""
