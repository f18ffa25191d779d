-- Sets KEYS[1] to ARGV[2] only if it still holds ARGV[1] ('' = the key does not exist). Returns 1 or 0.
local current = redis.call('GET', KEYS[1])
if (current == false and ARGV[1] == '') or current == ARGV[1] then
  redis.call('SET', KEYS[1], ARGV[2])
  return 1
end
return 0
