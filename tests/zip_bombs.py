"""ZIP archives that unpack to far more than they weigh, built without holding what they unpack
to: members of zeros are written in chunks."""

from __future__ import annotations

import io
import struct
import zipfile
import zlib
from pathlib import Path
from typing import BinaryIO

from openpyxl import Workbook

ODT_MIMETYPE = b"application/vnd.oasis.opendocument.text"
_CHUNK = bytes(1_000_000)


def write_zeros(archive: zipfile.ZipFile, name: str, size: int) -> None:
    """A deflated member of ``size`` zero bytes."""
    info = zipfile.ZipInfo(name, date_time=(2025, 1, 1, 0, 0, 0))
    info.compress_type = zipfile.ZIP_DEFLATED
    with archive.open(info, "w") as member:
        left = size
        while left:
            part = _CHUNK[: min(left, len(_CHUNK))]
            member.write(part)
            left -= len(part)


def _archive(target: BinaryIO | Path, members: dict[str, bytes | int]) -> None:
    """Members given as bytes, or as a count of zero bytes."""
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in members.items():
            if isinstance(content, int):
                write_zeros(archive, name, content)
            else:
                archive.writestr(name, content)


def archive(members: dict[str, bytes | int]) -> bytes:
    buffer = io.BytesIO()
    _archive(buffer, members)
    return buffer.getvalue()


def odt(mimetype_size: int | None = None) -> bytes:
    """An ODT; its ``mimetype`` member a bomb of that many zeros when a size is given."""
    return archive(
        {
            "mimetype": ODT_MIMETYPE if mimetype_size is None else mimetype_size,
            "content.xml": b"<office:document-content/>",
            "META-INF/manifest.xml": b"<manifest:manifest/>",
        }
    )


def write_bomb_odt(path: Path, mimetype_size: int) -> None:
    """An ODT bomb written straight to a file, for sizes no one should hold in memory."""
    _archive(path, {"mimetype": mimetype_size, "content.xml": b"<office:document-content/>"})


def docx(document_size: int | None = None) -> bytes:
    """A DOCX; its document a bomb of that many zeros when a size is given."""
    return archive(
        {
            "[Content_Types].xml": b"<Types/>",
            "word/document.xml": b"<w:document/>" if document_size is None else document_size,
        }
    )


def xlsx(rows: list[list[object]]) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def with_member_replaced(data: bytes, name: str, content: bytes | int) -> bytes:
    """The archive with one member's content replaced (bytes, or that many zeros)."""
    with zipfile.ZipFile(io.BytesIO(data)) as source:
        members: dict[str, bytes | int] = {
            info.filename: source.read(info) for info in source.infolist()
        }
    members[name] = content
    return archive(members)


def claiming(data: bytes, name: str, claimed_size: int) -> bytes:
    """The archive with one member's headers (local and central) claiming it unpacks to
    ``claimed_size`` bytes, with the checksum of that many zeros: zipfile then finds nothing
    wrong while it reads, whatever the member really unpacks to."""
    patched = bytearray(data)
    checksum = zlib.crc32(bytes(claimed_size))
    encoded = name.encode()
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        info = archive.getinfo(name)
    local = info.header_offset
    assert patched[local : local + 4] == b"PK\x03\x04"
    struct.pack_into("<L", patched, local + 14, checksum)
    struct.pack_into("<L", patched, local + 22, claimed_size)
    central = patched.find(b"PK\x01\x02")
    while central != -1:
        name_length = struct.unpack_from("<H", patched, central + 28)[0]
        if patched[central + 46 : central + 46 + name_length] == encoded:
            struct.pack_into("<L", patched, central + 16, checksum)
            struct.pack_into("<L", patched, central + 24, claimed_size)
            return bytes(patched)
        central = patched.find(b"PK\x01\x02", central + 4)
    raise AssertionError(f"no central directory entry for {name}")
