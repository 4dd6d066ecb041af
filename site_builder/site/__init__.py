"""The site step: the only package that knows the site engine (MkDocs + Material)."""

from __future__ import annotations

from site_builder.site.engine import SiteError, build_site_engine

__all__ = ["SiteError", "build_site_engine"]
