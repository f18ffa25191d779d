-- Removes everything of one (deleted) subscription: its queue and jobs, newest-event marks, holds,
-- dead letters, attempt log, and its place in the ready set. Work is bounded by that subscription's queue.
-- KEYS[1] = {pg}:ready ; ARGV[1] = subscription id
local sub = ARGV[1]
local dk = '{pg}:due:' .. sub
for _, id in ipairs(redis.call('ZRANGE', dk, 0, -1)) do
  redis.call('DEL', '{pg}:job:' .. id)
end
redis.call('DEL', dk, '{pg}:latest:' .. sub, '{pg}:busy:' .. sub, '{pg}:dlq:' .. sub, '{pg}:attempts:' .. sub)
redis.call('ZREM', KEYS[1], sub)
return 1
