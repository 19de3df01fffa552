"""``python -m analysis.runner``: the runner's commands without the rest of the CLI."""

import sys

from ..cli.runner import main

if __name__ == "__main__":
    sys.exit(main())
