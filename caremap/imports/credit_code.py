"""Check unified social credit codes (统一社会信用代码) by their check digit, GB 32100-2015.

A code has 18 characters from a 31-character alphabet (digits and capitals without I, O, S, V,
Z). The 18th is the check character: 31 minus the weighted sum of the first 17 modulo 31, with
the weights 3^i mod 31 for positions i = 0..16, and 31 written as 0.
"""

ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
WEIGHTS = [pow(3, i, 31) for i in range(17)]


def check_character(first17: str) -> str:
    total = sum(ALPHABET.index(c) * w for c, w in zip(first17, WEIGHTS, strict=True))
    return ALPHABET[(31 - total % 31) % 31]


def is_valid_credit_code(code: str) -> bool:
    code = code.strip().upper()
    if len(code) != 18 or any(c not in ALPHABET for c in code):
        return False
    return check_character(code[:17]) == code[17]
