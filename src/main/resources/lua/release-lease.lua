-- Gives the lease up only if ARGV[1] holds it. KEYS: 1 lease.
local lease = redis.call('GET', KEYS[1])
if lease and string.match(lease, '^(.*)|%d+$') == ARGV[1] then
  return redis.call('DEL', KEYS[1])
end
return 0
