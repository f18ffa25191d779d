-- Counts queued webhook jobs (due or claimed): the sum of the queues of the ready subscriptions (a
-- subscription with jobs is always in {pg}:ready). O(subscriptions with jobs); for metrics and tests.
-- KEYS[1] = {pg}:ready
local n = 0
for _, sub in ipairs(redis.call('ZRANGE', KEYS[1], 0, -1)) do
  n = n + redis.call('ZCARD', '{pg}:due:' .. sub)
end
return n
