-- Deletes the lock KEYS[1] only if ARGV[1] holds it (a lock that expired and was retaken stays).
if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('DEL', KEYS[1])
end
return 0
