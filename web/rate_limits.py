"""Per-address limits in Redis, each decided in one atomic step: parallel requests can never all pass a check.

A check followed by a separate increment lets thirty requests that arrive together all see the old count; so the
count and its comparison happen inside one Lua script, which Redis runs with nothing in between.
"""

from __future__ import annotations

from collections.abc import Sequence

from redis.asyncio import Redis

# KEYS[1]: the counter. ARGV: the limit, the window in seconds. 1 and the count raised, or 0 and nothing changed.
_TAKE = """
if tonumber(redis.call('GET', KEYS[1]) or '0') >= tonumber(ARGV[1]) then return 0 end
redis.call('INCR', KEYS[1])
redis.call('EXPIRE', KEYS[1], ARGV[2])
return 1
"""
# KEYS[1]: the counter. A slot taken for nothing (the submission was refused) is given back; never below zero.
_GIVE_BACK = """
if tonumber(redis.call('GET', KEYS[1]) or '0') > 0 then redis.call('DECR', KEYS[1]) end
return 0
"""
# KEYS: the attempts of one account and address, that pair's wait, the address's attempts. ARGV: the window, the
# address's limit, then the wait (seconds) after the 1st, 2nd … attempt (the last holds for every later one).
# -1 when the pair must wait or the address is at its limit (nothing changes); else the pair's attempt number,
# with the wait that attempt's failure would earn already set, so the next parallel attempt finds it.
_ATTEMPT = """
if redis.call('EXISTS', KEYS[2]) == 1 then return -1 end
if tonumber(redis.call('GET', KEYS[3]) or '0') >= tonumber(ARGV[2]) then return -1 end
local n = redis.call('INCR', KEYS[1])
redis.call('EXPIRE', KEYS[1], ARGV[1])
redis.call('INCR', KEYS[3])
redis.call('EXPIRE', KEYS[3], ARGV[1])
local wait = tonumber(ARGV[2 + math.min(n, #ARGV - 2)])
if wait > 0 then redis.call('SET', KEYS[2], '1', 'EX', wait) end
return n
"""


async def take(redis: Redis, key: str, *, limit: int, window_seconds: int) -> bool:
    """One slot of `limit` per window (the window runs from the last slot taken); False when none is left."""
    return bool(await redis.register_script(_TAKE)(keys=[key], args=[limit, window_seconds]))


async def give_back(redis: Redis, key: str) -> None:
    await redis.register_script(_GIVE_BACK)(keys=[key])


async def attempt(
    redis: Redis,
    pair_key: str,
    wait_key: str,
    address_key: str,
    *,
    window_seconds: int,
    per_address: int,
    waits: Sequence[int],
) -> int | None:
    """A sign-in attempt counted before the password is checked: its number for the pair, or None (must wait).

    `waits[n - 1]` is the wait the n-th failure earns; it is set with the attempt, so of many parallel attempts only
    those the rule lets through get to the password. A success calls `succeeded`.
    """
    answer = await redis.register_script(_ATTEMPT)(
        keys=[pair_key, wait_key, address_key], args=[window_seconds, per_address, *waits]
    )
    return None if int(answer) < 0 else int(answer)


async def succeeded(redis: Redis, pair_key: str, wait_key: str, address_key: str) -> None:
    """The pair's count and wait go; the attempt is taken off the address's count (it was no failure)."""
    await redis.delete(pair_key, wait_key)
    await give_back(redis, address_key)
