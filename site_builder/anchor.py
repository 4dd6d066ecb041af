"""Reading a site's ``build-info.json`` back: the anchor of the last built or published state.

Two anchors exist. The site in the output folder (``build/site``) is the local one; a
CI runner starts from a fresh clone and has none. The published site's own record,
given as ``--last-published`` (a path, or an http, https or file URL), is the durable
one: readers saw that site, and someone who can only push to the repository cannot
change it. Everything in a record is untrusted input: it is read with a size cap and a
deadline, and only well-formed values pass on (a commit id, short printable text).
"""

from __future__ import annotations

import json
import re
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from site_builder import __version__

MAX_BYTES = 1 << 20  # a real record is a few hundred bytes, a long rewrite list a few KB
TIMEOUT = 20.0  # seconds for the whole read, not per socket operation
MAX_REWRITES = 1000
MAX_TEXT = 500
_COMMIT = re.compile(r"[0-9a-f]{40}|[0-9a-f]{64}")
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2066-\u2069]")
# Keys an acknowledged rewrite may carry forward, and what each must be.
_REWRITE_TEXT = (
    "previous_built_at",
    "acknowledged_at",
    "acknowledged_by",
    "reason",
    "anchor",
    "problem",
)
_REWRITE_COMMITS = ("previous", "head")


class AnchorUnreadable(Exception):
    """The record exists but cannot be trusted; the message says why, in Chinese."""


@dataclass(frozen=True)
class Anchor:
    """A previous site's record, reduced to the values a build may rely on."""

    source: str  # a path or URL, for messages
    published: bool  # the published site's record (True) or the output folder's (False)
    found: bool = True  # False: no record there (a first build or first publish)
    commit: str | None = None
    built_at: str | None = None
    rewrites: tuple[dict[str, Any], ...] = field(default=())

    @property
    def label(self) -> str:
        return "上次发布" if self.published else "上次生成"


def local_anchor(out: Path) -> Anchor:
    """The record of the site now in ``out/site``; raises AnchorUnreadable for a bad one."""
    path = out / "site" / "build-info.json"
    return _anchor(str(path), False, _read_path(path))


def published_anchor(source: str) -> Anchor:
    """The record at ``source`` (path or http/https/file URL); raises AnchorUnreadable."""
    return _anchor(source, True, fetch(source))


def fetch(source: str) -> bytes | None:
    """The bytes at ``source``, or None when there is nothing there (404, no such file)."""
    scheme = urllib.parse.urlsplit(source).scheme.lower()
    if scheme in ("http", "https"):
        return _read_url(source)
    if scheme == "file":
        parts = urllib.parse.urlsplit(source)
        if parts.netloc not in ("", "localhost"):
            raise AnchorUnreadable("file 地址只能指向本机文件")
        return _read_path(Path(urllib.request.url2pathname(parts.path)))
    if scheme and len(scheme) > 1:
        raise AnchorUnreadable(
            f"不支持“{scheme}:”地址，只能用 http、https、file 地址或本机文件路径"
        )
    return _read_path(Path(source))


def _read_path(path: Path) -> bytes | None:
    try:
        with path.open("rb") as handle:
            data = handle.read(MAX_BYTES + 1)
    except FileNotFoundError:
        return None
    except IsADirectoryError:
        raise AnchorUnreadable("这是一个目录，不是 build-info.json 文件") from None
    except OSError as exc:
        raise AnchorUnreadable(f"文件无法读取：{exc.strerror or exc}") from None
    return _capped(data)


class _SameSchemeRedirects(urllib.request.HTTPRedirectHandler):
    """Follow a redirect only to another http(s) address (urllib also allows ftp)."""

    def redirect_request(self, req, fp, code, msg, headers, newurl):
        if urllib.parse.urlsplit(newurl).scheme.lower() not in ("http", "https"):
            raise AnchorUnreadable("地址被重定向到 http、https 以外的地址")
        return super().redirect_request(req, fp, code, msg, headers, newurl)


def _read_url(url: str) -> bytes | None:
    opener = urllib.request.build_opener(_SameSchemeRedirects)
    request = urllib.request.Request(
        url, headers={"User-Agent": f"rectify/{__version__}", "Accept": "application/json"}
    )
    deadline = time.monotonic() + TIMEOUT
    try:
        with opener.open(request, timeout=TIMEOUT) as response:
            chunks: list[bytes] = []
            size = 0
            while size <= MAX_BYTES:
                if time.monotonic() > deadline:
                    raise AnchorUnreadable(f"读取超过 {TIMEOUT:.0f} 秒未完成")
                # read1: what has arrived, so a server trickling bytes meets the deadline.
                chunk = response.read1(min(65536, MAX_BYTES + 1 - size))
                if not chunk:
                    break
                chunks.append(chunk)
                size += len(chunk)
    except urllib.error.HTTPError as exc:
        if exc.code in (404, 410):
            return None
        raise AnchorUnreadable(f"服务器返回 HTTP {exc.code}") from None
    except urllib.error.URLError as exc:
        raise AnchorUnreadable(f"无法连接：{exc.reason}") from None
    except (OSError, ValueError) as exc:  # timeouts, resets, malformed responses
        raise AnchorUnreadable(f"读取失败：{type(exc).__name__} {exc}") from None
    return _capped(b"".join(chunks))


def _capped(data: bytes) -> bytes:
    if len(data) > MAX_BYTES:
        raise AnchorUnreadable(f"内容超过 {MAX_BYTES} 字节，不是本系统生成的记录")
    return data


def _anchor(source: str, published: bool, data: bytes | None) -> Anchor:
    if data is None:
        return Anchor(source, published, found=False)
    try:
        record = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError):
        raise AnchorUnreadable("内容不是有效的 JSON") from None
    if not isinstance(record, dict):
        raise AnchorUnreadable("内容不是 build-info.json 的格式（应为一个 JSON 对象）")
    commit = record.get("commit")
    if commit is not None and not (isinstance(commit, str) and _COMMIT.fullmatch(commit)):
        raise AnchorUnreadable("其中的 commit 不是完整的提交编号")
    rewrites = record.get("rewrites", [])
    if not isinstance(rewrites, list) or len(rewrites) > MAX_REWRITES:
        raise AnchorUnreadable("其中的 rewrites 不是历史改写确认记录的列表")
    kept = tuple(_rewrite(entry) for entry in rewrites)
    return Anchor(source, published, True, commit, short_text(record.get("built_at")), kept)


def _rewrite(entry: Any) -> dict[str, Any]:
    """One acknowledged rewrite, with only known keys and well-formed values."""
    if not isinstance(entry, dict):
        raise AnchorUnreadable("rewrites 中有一项不是历史改写确认记录")
    kept: dict[str, Any] = {}
    for key in _REWRITE_COMMITS:
        value = entry.get(key)
        if value is not None and not (isinstance(value, str) and _COMMIT.fullmatch(value)):
            raise AnchorUnreadable(f"rewrites 中的 {key} 不是完整的提交编号")
        kept[key] = value
    kept["previous_exists"] = entry.get("previous_exists") is True
    for key in _REWRITE_TEXT:
        kept[key] = short_text(entry.get(key))
    if purge := short_text(entry.get("purge")):  # the purge record that accounts for it
        kept["purge"] = purge
    return kept


def short_text(value: Any, limit: int = MAX_TEXT) -> str | None:
    """``value`` as printable one-line text of at most ``limit`` characters, or None."""
    if not isinstance(value, str):
        return None
    text = _CONTROL.sub(" ", value).strip()
    return text[:limit] if text else None
