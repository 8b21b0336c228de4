"""Primary keys: UUIDs that sort in the order they were made (version 7, RFC 9562).

Random (version 4) keys land at random places in every B-tree that contains them: the primary
key and each index of a foreign key to it. A large import then touches a different page for
almost every row, and half-fills the pages it splits. Version 7 keys start with the time in
milliseconds, so rows made together sit together, and the indexes grow at their right edge.
Measured on the import's 100,000 rows (docs/benchmarks.md, "Import"): the directory tables
were written about twice as fast.

A key still carries 62 random bits, and 11 more in the first key of each millisecond, so it
cannot be guessed from another. It reveals when the record was made, which `created` shows anyway.
"""

import os
import threading
import time
import uuid

_lock = threading.Lock()
_last_ms = 0
_sequence = 0
# Bits 76..79 and 62..63 hold the version (7) and the variant (0b10).
_VERSION_AND_VARIANT = (7 << 76) | (0b10 << 62)


def uuid7() -> uuid.UUID:
    """Return a new version 7 UUID, greater than any this process returned before.

    Within one millisecond, the 12 bits after the time count up from a random start. When
    they run out, the time field moves on by a millisecond.
    """
    global _last_ms, _sequence
    random_bits = int.from_bytes(os.urandom(10), "big")
    with _lock:
        now_ms = time.time_ns() // 1_000_000
        if now_ms > _last_ms:
            _last_ms = now_ms
            # Start in the lower half, so that a burst has room to count up.
            _sequence = random_bits >> 69  # the top 11 of the 80 random bits
        else:
            _sequence += 1
            if _sequence > 0xFFF:
                _last_ms += 1
                _sequence = 0
        ms, sequence = _last_ms, _sequence
    tail = random_bits & ((1 << 62) - 1)
    return uuid.UUID(int=(ms << 80) | (sequence << 64) | tail | _VERSION_AND_VARIANT)
