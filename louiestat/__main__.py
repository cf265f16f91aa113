import sys

from louiestat.cli import main

sys.exit(main())
