-- Takes or renews the poll lease. KEYS: 1 lease, 2 fencing counter. ARGV: 1 holder, 2 ttl ms.
-- The lease value is "<holder>|<token>". Returns the token, or nil while another holder has it.
local lease = redis.call('GET', KEYS[1])
if lease then
  local holder, token = string.match(lease, '^(.*)|(%d+)$')
  if holder ~= ARGV[1] then
    return nil
  end
  redis.call('PEXPIRE', KEYS[1], ARGV[2])
  return tonumber(token)
end
-- A new holder gets a greater token. When the counter is gone (Redis flushed or replaced), it
-- restarts from the server clock in ms, so it stays above every token handed out before.
local token
if redis.call('EXISTS', KEYS[2]) == 1 then
  token = redis.call('INCR', KEYS[2])
else
  local t = redis.call('TIME')
  token = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
  redis.call('SET', KEYS[2], token)
end
redis.call('SET', KEYS[1], ARGV[1] .. '|' .. token, 'PX', ARGV[2])
return token
