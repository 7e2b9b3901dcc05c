"""Draw the installable app's icons (static/icons/icon-192.png, icon-512.png) with no image
library: a white house on the app's green, inside the maskable safe zone. Run once; the PNGs are
committed."""

import struct
import zlib
from pathlib import Path

GREEN = (0x1F, 0x6F, 0x4A)
WHITE = (0xFF, 0xFF, 0xFF)


def _pixel(x: float, y: float) -> tuple[int, int, int]:
    # Roof: a triangle from (0.5, 0.22) down to (0.2, 0.48)–(0.8, 0.48).
    if 0.22 <= y <= 0.48 and abs(x - 0.5) <= (y - 0.22) / 0.26 * 0.3:
        return WHITE
    # Walls, with a green door.
    if 0.28 <= x <= 0.72 and 0.48 <= y <= 0.76:
        if 0.45 <= x <= 0.55 and y >= 0.58:
            return GREEN
        return WHITE
    return GREEN


def png(size: int) -> bytes:
    rows = b"".join(
        b"\x00" + b"".join(bytes(_pixel(x / size, y / size)) for x in range(size))
        for y in range(size)
    )

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
        )

    header = struct.pack(">IIBBBBB", size, size, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(rows, 9))
        + chunk(b"IEND", b"")
    )


if __name__ == "__main__":
    folder = Path(__file__).resolve().parents[1] / "static" / "icons"
    folder.mkdir(parents=True, exist_ok=True)
    for size in (192, 512):
        (folder / f"icon-{size}.png").write_bytes(png(size))
