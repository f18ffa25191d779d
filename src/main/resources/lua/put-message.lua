-- Stores one status message. KEYS: 1 messages hash. ARGV: 1 person key, 2 status, 3 message.
-- One hash field per person (a JSON object status -> message), so all messages are one HGETALL.
local stored = redis.call('HGET', KEYS[1], ARGV[1])
local messages = stored and cjson.decode(stored) or {}
messages[ARGV[2]] = ARGV[3]
redis.call('HSET', KEYS[1], ARGV[1], cjson.encode(messages))
return 1
