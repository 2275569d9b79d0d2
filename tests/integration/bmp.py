"""bmp.py — what the screenshot tests share: reading the client's BMP screenshots and its
palette (arena-client --print-palette), and counting pixels of one colour in a rectangle.

Used as `sys.path.insert(0, DIR); import bmp` from the tests' inline Python. Pixels are
(r, g, b) tuples in px[y][x], px[0] being the top row.
"""
import struct


def load(path):
    """(width, height, px) of a 24- or 32-bit BMP (SDL_SaveBMP's output)."""
    d = open(path, "rb").read()
    if d[:2] != b"BM":
        raise ValueError(f"{path}: not a BMP")
    off, = struct.unpack_from("<I", d, 10)
    hsz, w, h, _planes, bpp, comp = struct.unpack_from("<IiiHHI", d, 14)
    if bpp not in (24, 32) or comp not in (0, 3):
        raise ValueError(f"{path}: unsupported BMP: {bpp} bpp, compression {comp}")
    masks = (0xFF0000, 0xFF00, 0xFF)
    if comp == 3:
        at = 14 + 40 if hsz >= 52 else 14 + hsz
        masks = struct.unpack_from("<III", d, at)
    shifts = []
    for m in masks:
        s = 0
        while m and not (m >> s) & 1:
            s += 1
        shifts.append(s)
    rows, stride, bpb = abs(h), (w * bpp + 31) // 32 * 4, bpp // 8
    px = []
    for y in range(rows):
        src = y if h < 0 else rows - 1 - y
        row = d[off + src * stride: off + src * stride + w * bpb]
        if bpp == 24:
            px.append([(row[x + 2], row[x + 1], row[x]) for x in range(0, len(row), 3)])
        else:
            px.append([tuple((v & m) >> s for m, s in zip(masks, shifts))
                       for (v,) in struct.iter_unpack("<I", row)])
    return w, rows, px


def palette(path):
    """(roles, players) from --print-palette's output: roles maps a name ("text", "accent",
    ...) to its colour, players lists the player colours in slot order (players[i] is slot
    i: a "player" line out of order is an error)."""
    roles, players = {}, []
    for line in open(path):
        f = line.split()
        if not f:
            continue
        if f[0] == "player":
            if int(f[1]) != len(players):
                raise ValueError(f"{path}: player slots out of order: {line.strip()}")
            players.append(tuple(int(v) for v in f[2:5]))
        else:
            roles[f[0]] = tuple(int(v) for v in f[1:4])
    return roles, players


def count(px, colour, x0, y0, x1, y1):
    """Pixels of exactly `colour` in [x0, x1) x [y0, y1); `colour` may also be a predicate
    (a function of an (r, g, b) tuple): the pixels for which it is true."""
    if callable(colour):
        return sum(1 for y in range(y0, y1) for x in range(x0, x1) if colour(px[y][x]))
    return sum(1 for y in range(y0, y1) for x in range(x0, x1) if px[y][x] == colour)


def longest_run(px, colour, x0, y0, x1, y1):
    """The longest horizontal run of `colour` in the rectangle."""
    best = 0
    for y in range(y0, y1):
        run = 0
        for x in range(x0, x1):
            run = run + 1 if px[y][x] == colour else 0
            best = max(best, run)
    return best
