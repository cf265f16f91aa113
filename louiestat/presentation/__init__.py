"""How numbers and signals read on pages, downloads and the CLI: values with units (``values``), statuses,
changes and signals in words (``words``), and one plain sentence per KPI (``sentences``). Computation stays in
``metrics``; this package only words its results."""
