"""What an uploaded file is, from its first bytes rather than its name (photos, scans, evidence)."""

from __future__ import annotations

_MAGIC = (
    (b"\x89PNG\r\n\x1a\n", "png"),
    (b"\xff\xd8\xff", "jpg"),
    (b"GIF87a", "gif"),
    (b"GIF89a", "gif"),
    (b"%PDF-", "pdf"),
)
IMAGES = frozenset({"png", "jpg", "gif", "webp"})


def file_type(head: bytes) -> str | None:
    """``png``, ``jpg``, ``gif``, ``webp`` or ``pdf`` from the first bytes; None for anything else."""
    for magic, ext in _MAGIC:
        if head.startswith(magic):
            return ext
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "webp"
    return None


def image_type(head: bytes) -> str | None:
    """The image type (``png``, ``jpg``, ``gif``, ``webp``) from the first bytes; None for anything else."""
    kind = file_type(head)
    return kind if kind in IMAGES else None
