"""When to try a failed notification again: a fixed schedule, then its last step repeated."""

from collections.abc import Sequence


def retry_delay(attempts_made: int, delays: Sequence[float], max_attempts: int) -> float | None:
    """Seconds to wait before the next attempt, or None when no attempt is left.

    `attempts_made` counts the attempts that already failed (1 after the first).
    """
    if attempts_made >= max_attempts or not delays:
        return None
    step = min(max(attempts_made, 1), len(delays)) - 1
    return max(float(delays[step]), 0.0)
