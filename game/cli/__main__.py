"""`python -m game.cli ...`, as the installed `decommission`."""

import sys

from game.cli.main import main

# Guarded: a worker process started by `spawn` (the import's labellers) imports this module
# again under another name, and must not run the command a second time.
if __name__ == "__main__":
    sys.exit(main())
