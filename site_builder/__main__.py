from __future__ import annotations

from site_builder.cli.main import main

raise SystemExit(main())
