-- Writes webhook delivery jobs, due now, each into its subscription's queue ({pg}:due:<sub>), which
-- becomes ready now unless it already is; moves each (subscription, person) newest-event mark forward
-- (never back). A job id already queued is left alone (an event handed out twice).
-- Mode 'new': every job is written (a job older than a mark is superseded at its claim).
-- Mode 'replay' (dead letters): a job none of whose people can still be delivered is skipped: each
-- person has a newer mark, or has none and the event is older than the marks are kept (ARGV[3]), so
-- nothing says a newer state was not delivered since.
-- The marks are kept ARGV[3] ms after the subscription's last write, then expire with the whole hash.
-- KEYS[1] = {pg}:ready ; ARGV = now ms, mode, mark ttl ms, then per job: id, subscription, event id,
-- person keys (csv), payload. Returns {jobs queued (new or already there), jobs skipped}.
local now, mode, ttl = tonumber(ARGV[1]), ARGV[2], ARGV[3]

local function parse(id)
  local ms, seq = string.match(id, '^(%d+)-(%d+)$')
  return tonumber(ms), tonumber(seq)
end

local function newer(a, b)
  local am, as = parse(a)
  local bm, bs = parse(b)
  if not bm then return true end
  if am ~= bm then return am > bm end
  return as > bs
end

local function deliverable(lk, ev, keys)
  local ms = parse(ev)
  for p in string.gmatch(keys, '[^,]+') do
    local cur = redis.call('HGET', lk, p)
    if cur then
      if not newer(cur, ev) then return true end
    elseif ms and ms >= now - tonumber(ttl) then
      return true
    end
  end
  return false
end

local queued, skipped = 0, 0
for i = 4, #ARGV, 5 do
  local id, sub, ev, keys, payload = ARGV[i], ARGV[i + 1], ARGV[i + 2], ARGV[i + 3], ARGV[i + 4]
  local jk, lk = '{pg}:job:' .. id, '{pg}:latest:' .. sub
  if redis.call('EXISTS', jk) == 1 then
    queued = queued + 1
  elseif mode == 'replay' and not deliverable(lk, ev, keys) then
    skipped = skipped + 1
  else
    redis.call('HSET', jk, 'sub', sub, 'event', ev, 'keys', keys, 'payload', payload, 'attempts', 0)
    redis.call('ZADD', '{pg}:due:' .. sub, ARGV[1], id)
    local ready = redis.call('ZSCORE', KEYS[1], sub)
    if not ready or tonumber(ready) > now then
      redis.call('ZADD', KEYS[1], ARGV[1], sub)
    end
    for p in string.gmatch(keys, '[^,]+') do
      local cur = redis.call('HGET', lk, p)
      if not cur or newer(ev, cur) then
        redis.call('HSET', lk, p, ev)
      end
    end
    redis.call('PEXPIRE', lk, ttl)
    queued = queued + 1
  end
end
return {queued, skipped}
