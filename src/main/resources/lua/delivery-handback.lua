-- Gives a claimed webhook job back unattempted (its instance is shutting down): releases the people
-- the claim held, takes back the attempt the claim counted, and puts the job back into its
-- subscription's queue ({pg}:due:<sub>) due now; the subscription becomes ready now unless it already
-- is. Another instance sends it next with the same webhook-id.
-- The newest-event marks ({pg}:latest:<sub>) are not touched (only kept ARGV[6] ms more, as by any
-- queue activity): the next claim checks the job against them as always, so a job a newer event of
-- its people superseded while it was claimed is dropped there, never delivered after the newer one.
-- Nothing is done for a claim that is no longer the job's latest (its lease ran out and another
-- claim counted an attempt since: the job and its people's holds are that claim's now), and a job
-- that went meanwhile (delivered by that other claim, deleted subscription) stays gone.
-- KEYS[1] = {pg}:ready ; ARGV = job id, subscription, live person keys csv, claim's attempt number,
--   now ms, mark ttl ms
local id, sub, live, attempt, now = ARGV[1], ARGV[2], ARGV[3], tonumber(ARGV[4]), ARGV[5]
local bk, lk, jk, dk = '{pg}:busy:' .. sub, '{pg}:latest:' .. sub, '{pg}:job:' .. id, '{pg}:due:' .. sub

local exists = redis.call('EXISTS', jk) == 1
if exists and (tonumber(redis.call('HGET', jk, 'attempts')) or 0) ~= attempt then
  return 0
end
for p in string.gmatch(live, '[^,]+') do
  local h = redis.call('HGET', bk, p)
  if h and string.sub(h, string.find(h, '|', 1, true) + 1) == id then
    redis.call('HDEL', bk, p)
  end
end
if not exists then
  return 0
end
if attempt > 0 then
  redis.call('HINCRBY', jk, 'attempts', -1)
end
redis.call('ZADD', dk, now, id)
local ready = redis.call('ZSCORE', KEYS[1], sub)
if not ready or tonumber(ready) > tonumber(now) then
  redis.call('ZADD', KEYS[1], now, sub)
end
redis.call('PEXPIRE', lk, ARGV[6])
return 1
