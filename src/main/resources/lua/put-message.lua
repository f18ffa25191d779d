-- Stores one status message, limits checked in the same step.
-- KEYS: 1 messages hash, 2 message counter. ARGV: 1 person key, 2 status, 3 message,
-- 4 most messages per person, 5 most messages in all.
-- One hash field per person (a JSON object status -> message), so all messages are one HGETALL.
-- Replacing a stored message always works; a new one is refused beyond either limit.
-- Returns 1 stored, 2 refused (the person holds ARGV[4]), 3 refused (the store holds ARGV[5]).
local stored = redis.call('HGET', KEYS[1], ARGV[1])
local messages = stored and cjson.decode(stored) or {}
if messages[ARGV[2]] == nil then
  local held = 0
  for _ in pairs(messages) do
    held = held + 1
  end
  if held >= tonumber(ARGV[4]) then
    return 2
  end
  local count = tonumber(redis.call('GET', KEYS[2]) or '')
  if count == nil then
    -- no counter yet (messages stored by an older version): count once
    count = 0
    for _, json in ipairs(redis.call('HVALS', KEYS[1])) do
      for _ in pairs(cjson.decode(json)) do
        count = count + 1
      end
    end
    redis.call('SET', KEYS[2], count)
  end
  if count >= tonumber(ARGV[5]) then
    return 3
  end
  redis.call('INCR', KEYS[2])
end
messages[ARGV[2]] = ARGV[3]
redis.call('HSET', KEYS[1], ARGV[1], cjson.encode(messages))
return 1
