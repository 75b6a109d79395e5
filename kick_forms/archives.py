"""ZIP archives that people upload (ODT, DOCX, XLSX), opened within limits.

A small upload can unpack to gigabytes. An archive is judged first by its central directory,
without unpacking anything: how many members, how big each says it is, how big all are, and
how tightly each is packed. The directory can lie, and ``zipfile`` trusts it: a member that
unpacks to more than its header says is cut to the header's size when streamed, but
``ZipFile.read`` inflates all of it in memory before cutting. So each member is then inflated
in chunks, counting and discarding, up to the size its header gives; one that differs is
refused. Once ``open_archive`` returns, every member's header is true and within the limits,
and any reader (openpyxl, our own) can trust it.
"""

from __future__ import annotations

import io
import struct
import zipfile
import zlib
from dataclasses import dataclass

from kick_forms.i18n import lazy_gettext as _l
from kick_forms.refusal import Refused

CHUNK = 64 * 1024
_CENTRAL_SIGNATURE = b"PK\x01\x02"
_LOCAL_SIGNATURE = b"PK\x03\x04"
_LOCAL_HEADER = struct.Struct("<4s22xHH")  # signature, ..., name length, extra field length
_ENCRYPTED = 0x1
_METHODS = (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED)  # all that ODF and Office files use


@dataclass(frozen=True)
class Limits:
    """What an archive may hold; sizes in bytes, unpacked."""

    members: int
    total_bytes: int
    member_bytes: int
    # Unpacked size over packed size. Office XML packs 5 to 20 times; deflate can reach about
    # 1 000. Small members may pack tighter than ordinary ones do, so only larger ones count.
    ratio: int = 100
    ratio_from_bytes: int = 1_000_000


class ArchiveError(Refused):
    """An archive refused by its limits or because it lies about itself."""


def _megabytes(size: int) -> int:
    return max(1, size // 1_000_000)


def _damaged() -> ArchiveError:
    return ArchiveError(
        _l(
            "The file could not be read: it is damaged (a part of it is not what the file's"
            " table of contents says). Save it again from the program it was made in."
        )
    )


def open_archive(data: bytes, limits: Limits) -> zipfile.ZipFile:
    """The archive, opened, once it is judged safe to read; ArchiveError saying why not, or
    zipfile.BadZipFile for bytes that are not a ZIP archive at all."""
    # Every entry of the central directory starts with its signature, so this bounds how many
    # entries zipfile would build objects for, before it builds any.
    if data.count(_CENTRAL_SIGNATURE) > limits.members:
        raise _too_many(limits)
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError, EOFError) as error:
        raise zipfile.BadZipFile(str(error)) from None
    try:
        _check_directory(archive.infolist(), limits)
        view = memoryview(data)
        for info in archive.infolist():
            _check_member(view, info)
    except BaseException:
        archive.close()
        raise
    return archive


def check_archive(data: bytes, limits: Limits) -> None:
    """Raise ArchiveError (or zipfile.BadZipFile) unless ``open_archive`` would open it."""
    open_archive(data, limits).close()


def _too_many(limits: Limits) -> ArchiveError:
    return ArchiveError(
        _l("The file could not be read: it has more than %(count)d parts.", count=limits.members)
    )


def _check_directory(infos: list[zipfile.ZipInfo], limits: Limits) -> None:
    """Judge the archive by what its central directory says, unpacking nothing."""
    if len(infos) > limits.members:
        raise _too_many(limits)
    total = 0
    for info in infos:
        if info.flag_bits & _ENCRYPTED or info.compress_type not in _METHODS:
            raise ArchiveError(
                _l(
                    "The file could not be read: it is encrypted or packed in a way we do not"
                    " take. Save it again from the program it was made in."
                )
            )
        if info.file_size > limits.member_bytes:
            raise ArchiveError(
                _l("The file could not be read: a part of it unpacks to more than %(size)d MB.",
                   size=_megabytes(limits.member_bytes))
            )  # fmt: skip
        total += info.file_size
        if total > limits.total_bytes:
            raise ArchiveError(
                _l("The file could not be read: it unpacks to more than %(size)d MB.",
                   size=_megabytes(limits.total_bytes))
            )  # fmt: skip
        packed = max(info.compress_size, 1)
        if info.file_size > limits.ratio_from_bytes and info.file_size > limits.ratio * packed:
            raise ArchiveError(
                _l("The file could not be read: a part of it unpacks to more than %(ratio)d"
                   " times its packed size.", ratio=limits.ratio)
            )  # fmt: skip


def _check_member(data: memoryview, info: zipfile.ZipInfo) -> None:
    """Unpack one member in chunks, keeping nothing, and refuse it unless it is exactly what
    its header says: its size and its checksum."""
    packed = _packed_bytes(data, info)
    if info.compress_type == zipfile.ZIP_STORED:
        if len(packed) != info.file_size or zlib.crc32(packed) != info.CRC:
            raise _damaged()
        return
    inflater = zlib.decompressobj(-zlib.MAX_WBITS)
    size = checksum = position = 0
    while not inflater.eof and size <= info.file_size:
        chunk = inflater.unconsumed_tail
        if not chunk:
            chunk = packed[position : position + CHUNK]
            position += len(chunk)
        unpacked = inflater.decompress(chunk, CHUNK)
        if not chunk and not unpacked:
            break
        size += len(unpacked)
        checksum = zlib.crc32(unpacked, checksum)
    if not inflater.eof or size != info.file_size or checksum != info.CRC:
        raise _damaged()


def _packed_bytes(data: memoryview, info: zipfile.ZipInfo) -> memoryview:
    """The member's packed bytes, found through its local header as zipfile finds them."""
    start = info.header_offset
    header = bytes(data[start : start + _LOCAL_HEADER.size])
    if len(header) != _LOCAL_HEADER.size:
        raise _damaged()
    signature, name_length, extra_length = _LOCAL_HEADER.unpack(header)
    if signature != _LOCAL_SIGNATURE:
        raise _damaged()
    begin = start + _LOCAL_HEADER.size + name_length + extra_length
    packed = data[begin : begin + info.compress_size]
    if len(packed) != info.compress_size:
        raise _damaged()
    return packed


def read_member(archive: zipfile.ZipFile, name: str, max_bytes: int) -> bytes:
    """One member's bytes, read in chunks and refused past ``max_bytes``; KeyError if absent."""
    parts = []
    size = 0
    with archive.open(name) as member:
        while chunk := member.read(CHUNK):
            size += len(chunk)
            if size > max_bytes:
                raise ArchiveError(
                    _l("The file could not be read: a part of it is larger than it should be.")
                )
            parts.append(chunk)
    return b"".join(parts)
