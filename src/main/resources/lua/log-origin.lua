-- The event log's origin: the cursor of a snapshot taken while the log is empty.
-- KEYS: 1 origin string
-- Created once from the server clock, one millisecond in the past, so that every entry XADD * appends
-- later sorts after it. FLUSHALL or a new Redis drops it; the next origin differs, so a cursor from
-- the old log is unknown and gets a reset instead of silently resuming into a log it never saw.
local origin = redis.call('GET', KEYS[1])
if origin then
  return origin
end
local now = redis.call('TIME')
origin = string.format('%d-0', tonumber(now[1]) * 1000 + math.floor(tonumber(now[2]) / 1000) - 1)
redis.call('SET', KEYS[1], origin)
return origin
