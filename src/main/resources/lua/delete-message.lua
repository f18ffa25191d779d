-- Removes one status message. KEYS: 1 messages hash, 2 message counter. ARGV: 1 person key, 2 status.
-- Returns 1 when a message was stored for that status, else 0.
local stored = redis.call('HGET', KEYS[1], ARGV[1])
if not stored then
  return 0
end
local messages = cjson.decode(stored)
if messages[ARGV[2]] == nil then
  return 0
end
messages[ARGV[2]] = nil
if next(messages) == nil then
  redis.call('HDEL', KEYS[1], ARGV[1])
else
  redis.call('HSET', KEYS[1], ARGV[1], cjson.encode(messages))
end
if redis.call('EXISTS', KEYS[2]) == 1 then
  redis.call('DECR', KEYS[2])
end
return 1
