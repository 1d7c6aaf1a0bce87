"""Certificate codes: 80 random bits, written in Crockford's base32 (no I, L, O or U, so no
letter is mistaken for a digit when read aloud or typed), stored as 16 upper-case characters
and printed in four groups of four ("K7Q2-9MZD-4TWX-B1HC").

Typed codes are forgiven what people get wrong: case, spaces, dashes, and the letters Crockford
folds into digits (O → 0, I and L → 1).
"""

from __future__ import annotations

import re
import secrets

# Crockford's base32 alphabet: digits, then letters without I, L, O and U.
ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
# 80 bits is more than a guesser could try at any rate limit: 2**80 codes, of which only the
# issued certificates are valid. 16 characters of 5 bits each hold exactly 80 bits.
CODE_BITS = 80
CODE_LENGTH = CODE_BITS // 5
GROUP = 4
CODE_PATTERN = re.compile(rf"^[{ALPHABET}]{{{CODE_LENGTH}}}$")
_CONFUSABLE = str.maketrans({"O": "0", "I": "1", "L": "1"})
_SEPARATORS = re.compile(r"[\s\-\u2013\u2014_.]+")  # spaces, hyphens, en and em dashes


def code_generate() -> str:
    """A new random code, normalised (16 characters, no dashes)."""
    number = secrets.randbits(CODE_BITS)
    characters = []
    for _ in range(CODE_LENGTH):
        characters.append(ALPHABET[number & 31])
        number >>= 5
    return "".join(reversed(characters))


def code_normalise(typed: str) -> str:
    """A typed code as stored: upper case, without spaces or dashes, confusable letters folded.
    The result may still not be a valid code (see `code_is_well_formed`)."""
    return _SEPARATORS.sub("", typed or "").upper().translate(_CONFUSABLE)


def code_is_well_formed(code: str) -> bool:
    return bool(CODE_PATTERN.match(code))


def code_display(code: str) -> str:
    """A stored code in groups of four: "K7Q2-9MZD-4TWX-B1HC"."""
    return "-".join(code[i : i + GROUP] for i in range(0, len(code), GROUP))
