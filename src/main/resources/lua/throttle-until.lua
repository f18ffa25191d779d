-- Keeps the later of the stored and the given throttle deadline. ARGV: 1 deadline (epoch ms), 2 ttl ms.
local current = tonumber(redis.call('GET', KEYS[1]) or '0')
if tonumber(ARGV[1]) > current then
  redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
end
return 1
