"""Tools around editing ledgers: JSON Schemas for editors, CODEOWNERS, new-ledger scaffolds.

Nothing here reads YAML itself: files are loaded through ``site_builder.load`` and the
schemas are derived from the records in ``site_builder.model``, so an editor, the
code-hosting platform and the validator agree on the same rules.
"""

from __future__ import annotations
