"""`python -m kr_event.cli ...` = `kr-event ...`."""
import sys

from . import main

sys.exit(main())
