-- Removes everything of one (deleted) subscription: queued jobs, pointers, holds, dead letters, attempt log.
-- KEYS[1] = {pg}:due ; ARGV[1] = subscription id
local sub = ARGV[1]
local prefix = sub .. '/'
local ids = redis.call('ZRANGE', KEYS[1], 0, -1)
for _, id in ipairs(ids) do
  if string.sub(id, 1, #prefix) == prefix then
    redis.call('DEL', '{pg}:job:' .. id)
    redis.call('ZREM', KEYS[1], id)
  end
end
redis.call('DEL', '{pg}:latest:' .. sub, '{pg}:busy:' .. sub, '{pg}:dlq:' .. sub, '{pg}:attempts:' .. sub)
return 1
