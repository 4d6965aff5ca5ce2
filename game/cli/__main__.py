"""`python -m game.cli ...`, as the installed `decommission`."""

import sys

from game.cli.main import main

sys.exit(main())
