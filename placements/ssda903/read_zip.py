"""The members of an uploaded zip of 903 files, refused one by one when unsafe.

A zip holds at most MAX_ZIP_MEMBERS files (folders, macOS resource forks and hidden files are passed
over) and unpacks to at most MAX_ZIP_TOTAL_BYTES; a member that expands more than MAX_ZIP_RATIO times is
a zip bomb and refuses the whole zip before anything is unpacked. A member with an absolute path, '..',
empty folder names, folders nested deeper than three or a password is refused on its own.
"""

from __future__ import annotations

import re
import zipfile
from collections.abc import Callable, Iterator

from placements.ssda903.tables import (
    MAX_UPLOAD_BYTES,
    MAX_ZIP_TOTAL_BYTES,
    Problem,
    error,
    limit,
    megabytes,
    number,
    too_large,
)


def zip_members(
    name: str,
    zf: zipfile.ZipFile,
    infos: list[zipfile.ZipInfo],
    problems: list[Problem],
    check_time: Callable[[], None],
) -> Iterator[tuple[str, bytes]]:
    """(label, content) of each member that is safe to read, in the zip's order; every refusal is added
    to `problems` (and a refusal of the whole zip ends the members)."""
    members = [
        i
        for i in infos
        if not i.is_dir()
        and not i.filename.startswith("__MACOSX/")
        and not re.split(r"[\\/]", i.filename)[-1].startswith(".")
    ]
    if len(members) > limit("MAX_ZIP_MEMBERS"):
        problems.append(
            error(
                f"{name}: the zip holds {number(len(members))} files; at most {limit('MAX_ZIP_MEMBERS')} are "
                "accepted (a 903 return has at most 11 tables)"
            )
        )
        return
    if not members:
        problems.append(error(f"{name}: the zip file has no files in it"))
        return
    bomb = next((i for i in members if expands_too_much(i)), None)
    if bomb is not None:
        problems.append(bomb_error(name, bomb))
        return
    budget = MAX_ZIP_TOTAL_BYTES
    unpacks_too_much = (
        f"{name}: the zip unpacks to more than {megabytes(MAX_ZIP_TOTAL_BYTES)}; it was not read"
    )
    for info in members:
        check_time()
        member = info.filename
        parts = re.split(r"[\\/]", member)
        label = f"{name}: {member}"
        if member.startswith(("/", "\\")) or re.match(r"^[A-Za-z]:", member):
            problems.append(error(f"{label}: a file with an absolute path is not accepted; it was not read"))
            continue
        if ".." in parts or any(p.strip() in ("", ".") for p in parts[:-1]):
            problems.append(
                error(f"{label}: a path with '..' or empty folder names is not accepted; it was not read")
            )
            continue
        if len(parts) > 4:
            problems.append(error(f"{label}: folders nested this deep are not accepted; it was not read"))
            continue
        if info.flag_bits & 0x1:
            problems.append(error(f"{label}: the file is password-protected and cannot be read"))
            continue
        if info.file_size > budget:
            problems.append(error(unpacks_too_much))
            return
        try:
            with zf.open(info) as fh:
                content = fh.read(min(budget, MAX_UPLOAD_BYTES) + 1)
        except (zipfile.BadZipFile, NotImplementedError, OSError, RuntimeError, EOFError) as exc:
            problems.append(error(f"{label}: cannot be unpacked ({exc})"))
            continue
        if len(content) > budget:
            problems.append(error(unpacks_too_much))
            return
        if len(content) > MAX_UPLOAD_BYTES:
            problems.append(too_large(label))
            continue
        budget -= len(content)
        yield label, content


def expands_too_much(info: zipfile.ZipInfo) -> bool:
    return info.file_size > 1024 * 1024 and info.file_size > limit("MAX_ZIP_RATIO") * max(
        info.compress_size, 1
    )


def bomb_error(name: str, info: zipfile.ZipInfo) -> Problem:
    return error(
        f"{name}: {info.filename} unpacks to more than {limit('MAX_ZIP_RATIO')} times its packed size "
        f"({number(info.file_size // max(info.compress_size, 1))} times), which no real file does: it was not read"
    )
