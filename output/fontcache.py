"""TrueType fonts parsed once per process and shared by the documents it writes.

fpdf2's ``add_font`` parses the whole TTF file (cmap, metrics, glyph ids: ~20 ms a file) for every
document, and writing the document subsets that file's 6,000 glyphs down to the few dozen printed
(another ~20 ms a file). A desk prints many documents in one process, so:

- the parsed font is kept per process and every document shares its immutable part (cmap,
  widths, glyph ids); each document gets its own glyph map (``SubsetMap``), font descriptor and
  TTFont to subset (fpdf2 fills the first two and subsets and closes the third in place);
- that TTFont is opened from a reduced copy of the file ("tier": every glyph of a range of
  scripts, Latin first) when the document's glyphs all lie in it, so that fpdf2 reads 450
  glyphs instead of 6,000;
- better still, from the exact subset of documents that printed the same glyphs before (made
  the second time a glyph set comes, kept for the last ``EXACT_KEPT`` glyph sets): fpdf2's
  subsetting then has nothing left to do.

Either way fpdf2 embeds the very bytes it would have made from the whole file: the copies keep
glyph names and order, hinting and the tables fpdf2 keeps, and an exact subset is saved with
its bounding boxes and maxima computed by fontTools as fpdf2's own subset would be.
"""

from __future__ import annotations

import copy
import io
import threading
from collections import OrderedDict
from collections.abc import Iterable
from pathlib import Path

from fontTools import subset as ftsubset
from fontTools import ttLib
from fpdf import FPDF
from fpdf.fonts import SubsetMap, TTFFont

__all__ = ["EXACT_KEPT", "SharedFont", "shared_font"]

#: Ranges of the reduced copies, smallest first; a document whose glyphs are not all in one of
#: them is subset from the whole file.
TIER_RANGES: tuple[tuple[tuple[int, int], ...], ...] = (
    # Latin (Basic, Latin-1, Extended-A), punctuation, euro, trademark, replacement character
    ((0x20, 0x17F), (0x2000, 0x206F), (0x20AC, 0x20AC), (0x2122, 0x2122), (0xFFFD, 0xFFFD)),
    # + Latin Extended-B and Additional (Vietnamese), modifiers, combining marks, symbols
    ((0x20, 0x24F), (0x2B0, 0x36F), (0x1E00, 0x1EFF), (0x2000, 0x20CF), (0x2100, 0x22FF),
     (0x25A0, 0x25FF), (0xFB00, 0xFB06), (0xFFFD, 0xFFFD)),
)

#: How many glyph sets a font remembers (with their exact subset from the second time on).
EXACT_KEPT = 64

#: The tables fpdf2 drops when it embeds a subset (fpdf/output.py, _add_fonts).
_FPDF_DROPPED_TABLES = ["FFTM", "GDEF", "GPOS", "GSUB", "MATH", "hdmx", "meta", "sbix", "CBDT", "CBLC",
                        "EBDT", "EBLC", "EBSC", "SVG ", "CPAL", "COLR"]

#: TTFFont attributes that belong to one document (the rest is shared).
_PER_DOCUMENT = frozenset({"i", "ttfont", "subset", "missing_glyphs", "biggest_size_pt", "_hbfont", "desc"})


def _open(data: bytes, *, recalc: bool = True) -> ttLib.TTFont:
    """A private TTFont over ``data``, opened as fpdf2 opens its files.

    Args:
        recalc: Recompute bounding boxes and maxima when saving (fontTools re-encodes every
            outline for it); off only for an exact subset, whose values are computed already.
    """
    return ttLib.TTFont(io.BytesIO(data), recalcTimestamp=False, recalcBBoxes=recalc, lazy=True)


def _subset(data: bytes, *, glyphs: Iterable[str] = (), unicodes: Iterable[int] = ()) -> bytes:
    """Subset a font as fpdf2 does (same options, same tables dropped) but keeping glyph names
    and every name record, so that fpdf2's own subsetting of the result gives what it gives from
    the whole file."""
    options = ftsubset.Options(notdef_outline=True, recommended_glyphs=True, glyph_names=True,
                               name_IDs=["*"], name_languages=["*"], name_legacy=True)
    options.drop_tables += _FPDF_DROPPED_TABLES
    font = _open(data)
    subsetter = ftsubset.Subsetter(options)
    subsetter.populate(glyphs=list(glyphs), unicodes=list(unicodes))
    subsetter.subset(font)
    out = io.BytesIO()
    font.save(out)
    font.close()
    return out.getvalue()


class SharedFont:
    """One TTF file parsed once per process, its reduced copies and its recent exact subsets.

    Attributes:
        shareable: False for fonts this sharing does not handle (color or compressed fonts):
            add those with fpdf2's add_font.
        hits: Documents that found their exact subset kept; misses: those that did not.
    """

    def __init__(self, family: str, style: str, path: Path) -> None:
        self.data = path.read_bytes()
        holder = FPDF()  # fpdf2's own add_font does the parsing
        holder.add_font(family, style, path)
        self.parsed: TTFFont = holder.fonts[f"{family.lower()}{style}"]
        self.shareable = self.parsed.color_font is None and not self.parsed.is_compressed
        self.parsed.close()  # never subset: each document opens its own TTFont
        cmap = self.parsed.cmap
        #: per tier: the glyph names it surely holds, and its bytes once built
        self.tiers: list[tuple[frozenset[str], bytes | None]] = [
            (frozenset({cmap[u] for a, b in ranges for u in range(a, b + 1) if u in cmap} | {".notdef"}), None)
            for ranges in TIER_RANGES
        ]
        #: per tier: how many documents could have used it before it was built
        self.asked = [0] * len(self.tiers)
        #: glyph sets seen lately (oldest first), with their exact subset once made
        self.exact: OrderedDict[frozenset[str], bytes | None] = OrderedDict()
        self.hits = self.misses = 0
        self._lock = threading.Lock()

    def __deepcopy__(self, memo: dict) -> SharedFont:
        """One per process: a copied document (fpdf2's unbreakable()) shares it."""
        return self

    def document_font(self, index: int) -> TTFFont:
        """A TTFFont for one document, sharing this file's parsed data.

        Args:
            index: The font's number in the document (fpdf2's ``i``).
        """
        font: TTFFont = TTFFont.__new__(TTFFont)
        for name in TTFFont.__slots__:
            if name not in _PER_DOCUMENT and hasattr(self.parsed, name):
                setattr(font, name, getattr(self.parsed, name))
        font.i = index
        font._hbfont = None
        font.biggest_size_pt = 0
        font.missing_glyphs = []
        font.desc = copy.copy(self.parsed.desc)
        font.ttfont = _open(self.data)
        font.subset = SubsetMap(font)
        return font

    def ttfont_for(self, names: Iterable[str]) -> ttLib.TTFont:
        """A private TTFont for fpdf2 to subset to ``names`` (the document's glyphs).

        The exact subset of these glyphs when one is kept; else the smallest tier holding them
        all (the second document with these glyphs makes their exact subset from it, and keeps
        it: a glyph set seen once, e.g. one with a random code in it, costs nothing more); else
        the whole file. A tier not built yet is built the second time a document needs it
        (building costs two or three documents: a process that prints one document subsets the
        whole file, as fpdf2 does); ``build`` builds it beforehand.
        """
        wanted = frozenset(names)
        with self._lock:
            seen = wanted in self.exact
            if seen:
                self.exact.move_to_end(wanted)
                exact = self.exact[wanted]
                if exact is not None:
                    self.hits += 1
                    return _open(exact, recalc=False)
            else:
                self.exact[wanted] = None
                while len(self.exact) > EXACT_KEPT:
                    self.exact.popitem(last=False)
            self.misses += 1
        for k, (glyphs, data) in enumerate(self.tiers):
            if wanted <= glyphs:
                if data is None:
                    self.asked[k] += 1
                    if self.asked[k] < 2:
                        break
                    data = self.build(k)
                if not seen:
                    return _open(data)
                exact = _subset(data, glyphs=wanted)
                with self._lock:
                    if wanted in self.exact:
                        self.exact[wanted] = exact
                return _open(exact, recalc=False)
        return _open(self.data)

    def build(self, k: int) -> bytes:
        """Build tier ``k`` unless built: every glyph its ranges need (and every code point that
        maps to one of them), every table fpdf2 keeps."""
        with self._lock:
            glyphs, data = self.tiers[k]
            if data is None:
                data = _subset(self.data, unicodes=[u for u, g in self.parsed.cmap.items() if g in glyphs])
                self.tiers[k] = (glyphs, data)
            return data


_SHARED: dict[tuple[str, str, Path], SharedFont] = {}
_SHARED_LOCK = threading.Lock()


def shared_font(family: str, style: str, path: Path) -> SharedFont:
    """The process's parsed copy of the font file ``path`` (parsed on first use).

    Args:
        family: The family name documents use in set_font.
        style: "" or "B" (fpdf2's style letters).
        path: The TTF file.
    """
    key = (family.lower(), style, path)
    found = _SHARED.get(key)
    if found is None:
        with _SHARED_LOCK:
            found = _SHARED.get(key)
            if found is None:
                found = _SHARED[key] = SharedFont(family, style, path)
    return found
