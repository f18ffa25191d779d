-- Ends one claim of a webhook job. Releases the people it held, then by mode:
--   retry: the job comes due again at ARGV[6] (its subscription is ready by then at the latest);
--   done:  the job goes;
--   dead:  as done, and ARGV[6] (the dead letter) is appended to the subscription's list, capped at ARGV[7].
-- The newest-event marks stay: they are the high-water mark a later replay of an older event is
-- checked against (latest state wins after delivery too); this write keeps them for ARGV[8] ms more.
-- A subscription whose queue is empty leaves {pg}:ready.
-- KEYS[1] = {pg}:ready ; ARGV = mode, job id, subscription, event id, live person keys csv,
--   due ms | dead letter | '', cap | '', mark ttl ms
local mode, id, sub, ev, live = ARGV[1], ARGV[2], ARGV[3], ARGV[4], ARGV[5]
local bk, lk, jk, dk = '{pg}:busy:' .. sub, '{pg}:latest:' .. sub, '{pg}:job:' .. id, '{pg}:due:' .. sub

for p in string.gmatch(live, '[^,]+') do
  local h = redis.call('HGET', bk, p)
  if h and string.sub(h, string.find(h, '|', 1, true) + 1) == id then
    redis.call('HDEL', bk, p)
  end
end
redis.call('PEXPIRE', lk, ARGV[8])
if mode == 'retry' then
  if redis.call('EXISTS', jk) == 1 then
    redis.call('ZADD', dk, ARGV[6], id)
    local ready = redis.call('ZSCORE', KEYS[1], sub)
    if not ready or tonumber(ready) > tonumber(ARGV[6]) then
      redis.call('ZADD', KEYS[1], ARGV[6], sub)
    end
  end
  return 1
end
if mode == 'dead' then
  local dlq = '{pg}:dlq:' .. sub
  redis.call('RPUSH', dlq, ARGV[6])
  redis.call('LTRIM', dlq, -tonumber(ARGV[7]), -1)
end
redis.call('DEL', jk)
redis.call('ZREM', dk, id)
if redis.call('EXISTS', dk) == 0 then
  redis.call('ZREM', KEYS[1], sub)
end
return 1
