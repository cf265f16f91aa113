"""Who may do what: the principal acting, the one policy of roles and rights (``may``), users and their
passwords, sign-in sessions and the audit log."""
