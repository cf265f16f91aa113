"""The writing side: the one write service (transaction, rights check, batch and audit event), batches and
their undo, and the Manage page's edits of targets and process changes."""
