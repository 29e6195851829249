#!/usr/bin/env python3
"""Draws the app icons (public/icons/*.png) from the shapes of public/favicon.svg, with no
image library: a rounded teal square, a white diamond outline and a dot. Neutral on purpose:
nothing in it says what the app is for. Run from the repository root."""
import struct, zlib

TEAL, WHITE = (0x1d, 0x4f, 0x4a), (0xff, 0xff, 0xff)

def png(path, size, maskable):
    s = size / 64.0
    # A maskable icon fills the square and keeps its drawing inside the middle 80 %.
    k = 0.72 if maskable else 1.0
    rows, palette = [], {}
    for y in range(size):
        row = bytearray([0])
        for x in range(size):
            # 4x4 samples per pixel for smooth edges.
            cover, white = 0, 0
            for sy in range(4):
                for sx in range(4):
                    px, py = (x + (sx + .5) / 4) / s, (y + (sy + .5) / 4) / s
                    inside = True
                    if not maskable:
                        dx, dy = max(14 - px, 0, px - 50), max(14 - py, 0, py - 50)
                        inside = dx * dx + dy * dy <= 14 * 14
                    if not inside:
                        continue
                    cover += 1
                    # Undo the maskable shrink around the centre.
                    qx, qy = 32 + (px - 32) / k, 32 + (py - 32) / k
                    d = abs(qx - 32) / 14 + abs(qy - 32) / 20  # diamond "radius" 1 on its edge
                    on_edge = abs(d - 1) * 14 < 2.5 * 1.2
                    dot = (qx - 32) ** 2 + (qy - 32) ** 2 <= 16
                    if on_edge or dot:
                        white += 1
            a = cover / 16
            w = white / max(cover, 1)
            rgb = [round(TEAL[i] * (1 - w) + WHITE[i] * w) for i in range(3)]
            colour = tuple(rgb + [round(a * 255)])
            # An indexed PNG: the drawing has a few dozen colours (teal, white and their
            # smoothed edges), so a palette keeps every pixel as it is at a third of the size.
            row.append(palette.setdefault(colour, len(palette)))
        rows.append(bytes(row))
    assert len(palette) <= 256, f"{path}: {len(palette)} colours"
    raw = zlib.compress(b"".join(rows), 9)
    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xffffffff)
    colours = sorted(palette, key=palette.get)
    with open(path, "wb") as f:
        f.write(b"\x89PNG\r\n\x1a\n")
        f.write(chunk(b"IHDR", struct.pack(">IIBBBBB", size, size, 8, 3, 0, 0, 0)))
        f.write(chunk(b"PLTE", b"".join(bytes(c[:3]) for c in colours)))
        if any(c[3] < 255 for c in colours):
            f.write(chunk(b"tRNS", bytes(c[3] for c in colours)))
        f.write(chunk(b"IDAT", raw))
        f.write(chunk(b"IEND", b""))

for size in (192, 512):
    png(f"public/icons/icon-{size}.png", size, False)
png("public/icons/maskable-512.png", 512, True)
png("public/icons/apple-touch-icon.png", 180, True)
