"""`python -m bot.cli`: the `newsbot` command, run from a checkout."""

import sys

from bot.cli.entry import main

sys.exit(main())
