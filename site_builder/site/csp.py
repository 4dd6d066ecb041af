"""Security headers the site keeps: a Content-Security-Policy made from the built HTML.

The theme needs a few inline scripts (Material's scope and palette snippets, one per
page depth); the policy allows exactly those, by their SHA-256 hashes computed from
the built pages, and nothing else inline. Pagefind's search runs WebAssembly, hence
``'wasm-unsafe-eval'``; pages carry inline style attributes (charts, badges), hence
``'unsafe-inline'`` for styles only. Everything is loaded from the site itself.

The build writes the policy three ways, so every host can send it:
- a ``<meta http-equiv>`` in every page (hosts that send no headers, such as GitHub
  Pages; a meta policy cannot carry ``frame-ancestors``, which the headers add);
- ``_headers`` (the format of Netlify and Cloudflare Pages), which ``rectify serve``
  reads and sends;
- ``security-headers.conf``, ``add_header`` lines for nginx to ``include``.
"""

from __future__ import annotations

import base64
import hashlib
import os
import re
from pathlib import Path

HEADERS_FILE = "_headers"
NGINX_FILE = "security-headers.conf"

_SCRIPT = re.compile(r"<script\b([^>]*)>(.*?)</script\s*>", re.S | re.I)
_TYPE = re.compile(r"""\btype\s*=\s*["']?([^"'\s>]+)""", re.I)
_SRC = re.compile(r"\bsrc\s*=", re.I)
_META = re.compile(r'<meta http-equiv="Content-Security-Policy" content="[^"]*">\n?')
# After the charset declaration, which must stay within the page's first bytes.
_HEAD = re.compile(r"<head[^>]*>\s*(?:<meta charset=[^>]*>\n?)?", re.I)
_JS_TYPES = {"", "module", "text/javascript", "application/javascript"}

OTHER_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "X-Frame-Options": "DENY",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=(), payment=(), usb=()",
}


def inline_script_hashes(html: str) -> set[str]:
    """``'sha256-…'`` of every inline script a browser would run."""
    found = set()
    for attrs, body in _SCRIPT.findall(html):
        if _SRC.search(attrs):
            continue
        kind = _TYPE.search(attrs)
        if (kind.group(1).lower() if kind else "") not in _JS_TYPES:
            continue  # data blocks (application/json) are not run
        digest = hashlib.sha256(body.encode("utf-8")).digest()
        found.add("'sha256-" + base64.b64encode(digest).decode("ascii") + "'")
    return found


def policy(hashes: set[str], for_meta: bool = False) -> str:
    directives = [
        "default-src 'self'",
        "script-src " + " ".join(["'self'", "'wasm-unsafe-eval'", *sorted(hashes)]),
        "style-src 'self' 'unsafe-inline'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
    ]
    if not for_meta:
        directives.append("frame-ancestors 'none'")
    return "; ".join(directives)


def security_headers(hashes: set[str]) -> dict[str, str]:
    return {"Content-Security-Policy": policy(hashes), **OTHER_HEADERS}


def secure_site(site: Path) -> dict[str, str]:
    """Put the policy in every page of ``site`` and write the header files; the headers."""
    pages = sorted(site.rglob("*.html"))
    texts = {path: path.read_text(encoding="utf-8") for path in pages}
    hashes: set[str] = set()
    for text in texts.values():
        hashes |= inline_script_hashes(text)
    for path, text in texts.items():
        _put_policy(path, text, meta_policy(hashes))
    return write_header_files(site, hashes)


def meta_policy(hashes: set[str]) -> str:
    return f'<meta http-equiv="Content-Security-Policy" content="{policy(hashes, True)}">\n'


def _put_policy(path: Path, text: str, meta: str) -> bool:
    bare = _META.sub("", text)
    head = _HEAD.search(bare)
    if head is None:
        return False
    new = bare[: head.end()] + meta + bare[head.end() :]
    if new == text:  # a dirty build leaves most pages as they were
        return False
    replace_text(path, new)
    return True


def replace_text(path: Path, text: str) -> None:
    """Write ``path`` as a new file: a dirty build's staging folder holds hard links to
    the site in place (``site/engine.py``), which writing into the file would change."""
    temporary = path.with_name(path.name + ".rl-tmp")
    temporary.write_text(text, encoding="utf-8")
    os.replace(temporary, path)


def put_policy(site: Path, pages: list[str], hashes: set[str]) -> list[str]:
    """Put the policy of ``hashes`` in ``pages`` (paths in ``site``); those rewritten."""
    meta = meta_policy(hashes)
    return [
        rel
        for rel in pages
        if _put_policy(site / rel, (site / rel).read_text(encoding="utf-8"), meta)
    ]


def write_header_files(site: Path, hashes: set[str]) -> dict[str, str]:
    """``_headers`` and the nginx ``include`` file for the policy of ``hashes``."""
    headers = security_headers(hashes)
    lines = ["/*", *(f"  {name}: {value}" for name, value in headers.items())]
    replace_text(site / HEADERS_FILE, "\n".join(lines) + "\n")
    nginx = [f'add_header {name} "{value}" always;' for name, value in headers.items()]
    replace_text(
        site / NGINX_FILE,
        "# Generated by rectify build: the site's security headers, for nginx `include`.\n"
        + "\n".join(nginx)
        + "\n",
    )
    return headers


def read_headers(site: Path) -> dict[str, str]:
    """The headers in ``site/_headers`` (its ``/*`` block), for ``rectify serve``."""
    try:
        text = (site / HEADERS_FILE).read_text(encoding="utf-8")
    except OSError:
        return {}
    headers = {}
    for line in text.splitlines():
        if line.startswith((" ", "\t")) and ":" in line:
            name, value = line.strip().split(":", 1)
            headers[name.strip()] = value.strip()
    return headers
