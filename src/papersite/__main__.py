"""``python -m papersite``."""

import sys

from papersite.cli import main

sys.exit(main())
