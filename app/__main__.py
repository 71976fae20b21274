"""`python -m app` does what the `mijian` command does; the built program starts here too."""

import multiprocessing

# In the built program a process apart (app/apart.py, app/trail_parallel.py) is this program
# started again with multiprocessing's arguments: hand it over before anything else runs.
multiprocessing.freeze_support()

from ui.main import main  # noqa: E402

raise SystemExit(main())
