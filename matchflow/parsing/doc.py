"""Legacy Word 97-2003 (.doc) to text: olefile opens the OLE2 container; the text is read from
the piece table, hand-written here after [MS-DOC] because no maintained pure-Python .doc reader
exists on PyPI (textract/antiword need system binaries, Apache Tika needs Java).

Map of what is read ([MS-DOC] section numbers):

    WordDocument stream
      FibBase (2.5.2)      wIdent 0xA5EC, nFib, flags: fEncrypted, fWhichTblStm (0Table/1Table)
      FibRgLw97 (2.5.5)    ccpText: characters in the main document
      FibRgFcLcb97 (2.5.6) fcClx/lcbClx: where the piece table lives in the table stream
    0Table or 1Table stream
      Clx (2.9.38)         RgPrc (skipped) then Pcdt: PlcPcd = CPs[n+1] + Pcd[n]
      Pcd (2.9.177)        FcCompressed: bit 30 set -> 8-bit cp1252 text at fc/2, else UTF-16LE at fc

Only the main document text is read (footnotes, headers and comments are not).
"""

from __future__ import annotations

import io
import struct

import olefile

from matchflow.domain import DocumentError, FailureReason

W_IDENT = 0xA5EC
MIN_NFIB = 0x00C1 - 0x20  # Word 97 writes 0xC1; older (Word 6/95) layouts differ
FC_CLX_INDEX = 33  # fcClx is the 34th (fc, lcb) pair of FibRgFcLcb97
MAX_PIECES = 100_000
MAX_CHARS = 5_000_000

_CORRUPT = "The Word 97-2003 (.doc) file is damaged and its text cannot be read."


def parse_doc(data: bytes) -> str:
    """Return the main text of a Word 97-2003 document; raises DocumentError for anything else."""
    try:
        ole = olefile.OleFileIO(io.BytesIO(data))
    except (OSError, ValueError, IndexError, struct.error) as exc:
        raise DocumentError(
            FailureReason.CORRUPT, "The file looks like an Office file but is damaged."
        ) from exc
    with ole:
        if ole.exists("EncryptionInfo") or ole.exists("EncryptedPackage"):
            raise DocumentError(
                FailureReason.ENCRYPTED,
                "The Word file is password-protected. Ask the candidate for a copy without a password.",
            )
        if not ole.exists("WordDocument"):
            raise DocumentError(FailureReason.UNSUPPORTED_TYPE, _other_office_label(ole))
        word = ole.openstream("WordDocument").read()
        fib = _read_fib(word)
        table_name = "1Table" if fib["which_table"] else "0Table"
        if not ole.exists(table_name):
            raise DocumentError(FailureReason.CORRUPT, _CORRUPT)
        table = ole.openstream(table_name).read()
    text = _piece_table_text(word, table, fib["fc_clx"], fib["lcb_clx"], fib["ccp_text"])
    return clean_word_text(text)


def _other_office_label(ole: olefile.OleFileIO) -> str:
    if ole.exists("Workbook") or ole.exists("Book"):
        kind = "an Excel 97-2003 spreadsheet"
    elif ole.exists("PowerPoint Document"):
        kind = "a PowerPoint 97-2003 presentation"
    else:
        kind = "an Office file that is not a Word document"
    return f"The file is {kind}; please upload the resume as PDF or Word."


def _read_fib(word: bytes) -> dict[str, int]:
    """The few FIB fields needed to find the text (offsets computed from the counts, not fixed)."""
    try:
        w_ident, n_fib = struct.unpack_from("<HH", word, 0)
        (flags,) = struct.unpack_from("<H", word, 0x0A)
        if w_ident != W_IDENT:
            raise DocumentError(FailureReason.CORRUPT, _CORRUPT)
        if flags & 0x0100 or flags & 0x8000:  # fEncrypted / fObfuscated
            raise DocumentError(
                FailureReason.ENCRYPTED,
                "The Word (.doc) file is password-protected. Ask the candidate for an unprotected copy.",
            )
        if n_fib < MIN_NFIB:
            raise DocumentError(
                FailureReason.UNSUPPORTED_TYPE,
                "The file is an old Word 6/95 document; please save it as PDF or DOCX.",
            )
        pos = 32
        (csw,) = struct.unpack_from("<H", word, pos)
        pos += 2 + csw * 2
        (cslw,) = struct.unpack_from("<H", word, pos)
        lw_at = pos + 2
        (ccp_text,) = struct.unpack_from("<i", word, lw_at + 3 * 4)
        pos = lw_at + cslw * 4
        (cb_fclcb,) = struct.unpack_from("<H", word, pos)
        if cb_fclcb <= FC_CLX_INDEX:
            raise DocumentError(FailureReason.CORRUPT, _CORRUPT)
        fc_clx, lcb_clx = struct.unpack_from("<II", word, pos + 2 + FC_CLX_INDEX * 8)
    except struct.error as exc:
        raise DocumentError(FailureReason.CORRUPT, _CORRUPT) from exc
    return {
        "which_table": flags & 0x0200,
        "ccp_text": ccp_text,
        "fc_clx": fc_clx,
        "lcb_clx": lcb_clx,
    }


def _piece_table_text(word: bytes, table: bytes, fc_clx: int, lcb_clx: int, ccp_text: int) -> str:
    """Concatenate the pieces that cover CP 0..ccpText."""
    clx = table[fc_clx : fc_clx + lcb_clx]
    if lcb_clx == 0 or len(clx) != lcb_clx or not 0 <= ccp_text <= MAX_CHARS:
        raise DocumentError(FailureReason.CORRUPT, _CORRUPT)
    pos = 0
    try:
        while clx[pos] == 0x01:  # Prc: property modifiers, skipped
            (cb_grpprl,) = struct.unpack_from("<h", clx, pos + 1)
            pos += 3 + max(cb_grpprl, 0)
        if clx[pos] != 0x02:
            raise DocumentError(FailureReason.CORRUPT, _CORRUPT)
        (lcb,) = struct.unpack_from("<I", clx, pos + 1)
        plc = clx[pos + 5 : pos + 5 + lcb]
    except IndexError as exc:
        raise DocumentError(FailureReason.CORRUPT, _CORRUPT) from exc
    count = (len(plc) - 4) // 12
    if count <= 0 or count > MAX_PIECES:
        raise DocumentError(FailureReason.CORRUPT, _CORRUPT)
    cps = struct.unpack_from(f"<{count + 1}I", plc, 0)
    parts: list[str] = []
    for i in range(count):
        start, end = cps[i], min(cps[i + 1], ccp_text)
        if start >= ccp_text:
            break
        if end <= start:
            continue
        (fc_value,) = struct.unpack_from("<I", plc, (count + 1) * 4 + i * 8 + 2)
        n_chars = end - start
        if fc_value & 0x40000000:  # fCompressed: one byte per character, cp1252
            offset = (fc_value & 0x3FFFFFFF) // 2
            raw, encoding = word[offset : offset + n_chars], "cp1252"
        else:
            offset = fc_value & 0x3FFFFFFF
            raw, encoding = word[offset : offset + 2 * n_chars], "utf-16-le"
        if len(raw) < n_chars * (1 if encoding == "cp1252" else 2):
            raise DocumentError(FailureReason.CORRUPT, _CORRUPT)
        parts.append(raw.decode(encoding, errors="replace"))
    return "".join(parts)


def clean_word_text(text: str) -> str:
    """Turn Word's control characters into plain text: paragraph/cell marks become line breaks,
    field codes (e.g. HYPERLINK "...") are dropped and their displayed results kept.
    """
    out: list[str] = []
    fields: list[bool] = []  # one entry per open field: True once its result part has begun
    for ch in text:
        if ch == "\x13":
            fields.append(False)
        elif ch == "\x14":
            if fields:
                fields[-1] = True
        elif ch == "\x15":
            if fields:
                fields.pop()
        elif all(fields):
            out.append(ch)
    table = {
        "\r": "\n",
        "\x07": "\n",
        "\x0b": "\n",
        "\x0c": "\n",
        "\x0e": "\n",
        "\x1e": "-",
        "\x1f": "",
        "\xa0": " ",
        "\x01": "",
        "\x02": "",
        "\x05": "",
        "\x08": "",
    }
    return "".join(out).translate(str.maketrans(table))
