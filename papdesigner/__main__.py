"""Allow ``python -m papdesigner``."""

from papdesigner.cli import main

raise SystemExit(main())
