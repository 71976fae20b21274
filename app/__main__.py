"""`python -m app` does what the `mijian` command does."""

from ui.main import main

raise SystemExit(main())
