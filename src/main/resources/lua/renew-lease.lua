-- Extends the poll lease while a cycle runs, only if it is still the very lease the cycle started
-- with. KEYS: 1 lease. ARGV: 1 holder, 2 fencing token, 3 ttl ms.
-- Never takes a lease that is gone: that needs a new token (acquire-lease.lua), and the running
-- cycle's result, written with the old token, must then be refused.
-- Returns 1 when extended, 0 when there is no lease (it expired, or Redis was flushed), -1 when
-- another holder has it.
local lease = redis.call('GET', KEYS[1])
if not lease then
  return 0
end
if lease ~= ARGV[1] .. '|' .. ARGV[2] then
  return -1
end
redis.call('PEXPIRE', KEYS[1], ARGV[3])
return 1
