-- Writes the token pair ARGV[1] (JSON) back to KEYS[1] when the key is missing (Redis restarted or was
-- flushed) or holds an older pair (lower generation, ARGV[3]) of the same seed (ARGV[2]). Never replaces
-- a newer pair, nor one descending from another configured refresh token. Returns 1 when written, else 0.
local current = redis.call('GET', KEYS[1])
if current then
  local ok, stored = pcall(cjson.decode, current)
  if ok and type(stored) == 'table' then
    if stored.seed ~= ARGV[2] or (tonumber(stored.generation) or 0) >= tonumber(ARGV[3]) then
      return 0
    end
  end
end
redis.call('SET', KEYS[1], ARGV[1])
return 1
