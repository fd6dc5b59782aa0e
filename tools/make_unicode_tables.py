#!/usr/bin/python3
"""Writes cpp/src/model/unicode_tables.inc: what the checkpoint tokenizers need to know about Unicode, from
Python's unicodedata (Debian 12's Python 3.11: Unicode 14.0). Run: /usr/bin/python3 tools/make_unicode_tables.py

  kClassRanges   every code point's class (letter, number, nonspacing mark, ...), as runs: {first, class}
  kLowercase     code points whose lowercase differs: {code point, up to 3 code points} (full mapping, per char)
  kDecomposition code points with a canonical decomposition: {code point, up to 4 code points} (fully
                 decomposed, as NFD gives for the character alone; Hangul syllables are computed, not listed)
"""
import pathlib
import unicodedata

CLASSES = {  # general category -> the class names in cpp/src/model/unicode.hpp
    'Lu': 'kLetter', 'Ll': 'kLetter', 'Lt': 'kLetter', 'Lm': 'kLetter', 'Lo': 'kLetter',
    'Mn': 'kNonspacingMark', 'Mc': 'kMark', 'Me': 'kMark',
    'Nd': 'kNumber', 'Nl': 'kNumber', 'No': 'kNumber',
    'Pc': 'kPunctuation', 'Pd': 'kPunctuation', 'Ps': 'kPunctuation', 'Pe': 'kPunctuation',
    'Pi': 'kPunctuation', 'Pf': 'kPunctuation', 'Po': 'kPunctuation',
    'Sm': 'kSymbol', 'Sc': 'kSymbol', 'Sk': 'kSymbol', 'So': 'kSymbol',
    'Zs': 'kSeparator', 'Zl': 'kSeparator', 'Zp': 'kSeparator',
    'Cc': 'kControl', 'Cf': 'kFormat', 'Cs': 'kOther', 'Co': 'kOther', 'Cn': 'kOther',
}
HANGUL = range(0xAC00, 0xD7A4)


def main():
    runs, previous = [], None
    lower, decomposition = [], []
    for cp in range(0x110000):
        c = chr(cp)
        cls = CLASSES[unicodedata.category(c)]
        if cls != previous:
            runs.append((cp, cls))
            previous = cls
        if 0xD800 <= cp <= 0xDFFF:
            continue
        low = c.lower()
        if low != c:
            assert len(low) <= 3
            lower.append((cp, [ord(x) for x in low]))
        if cp not in HANGUL:
            nfd = unicodedata.normalize('NFD', c)
            if nfd != c:
                assert len(nfd) <= 4, hex(cp)
                decomposition.append((cp, [ord(x) for x in nfd]))

    def rows(entries, width):
        return '\n'.join(f'    {{0x{cp:X}, {{{", ".join(f"0x{x:X}" for x in seq)}}}}},' for cp, seq in entries)

    out = [
        '// Written by tools/make_unicode_tables.py from Python\'s unicodedata, Unicode '
        f'{unicodedata.unidata_version}. Do not edit.',
        f'constexpr ClassRun kClassRanges[] = {{',
        '\n'.join(f'    {{0x{cp:X}, Class::{cls}}},' for cp, cls in runs),
        '};',
        'constexpr Mapping<3> kLowercase[] = {',
        rows(lower, 3),
        '};',
        'constexpr Mapping<4> kDecomposition[] = {',
        rows(decomposition, 4),
        '};',
    ]
    path = pathlib.Path(__file__).resolve().parent.parent / 'cpp/src/model/unicode_tables.inc'
    path.write_text('\n'.join(out) + '\n')
    print(f'wrote {path}: {len(runs)} class runs, {len(lower)} lowercase, {len(decomposition)} decompositions')


if __name__ == '__main__':
    main()
