-- One poll cycle's result, all or nothing (see RedisPresenceStore#apply); also used alone for a
-- slice of a large first sight (puts only).
-- KEYS: 1 state hash, 2 event stream, 3 poll lease, 4 state version
-- ARGV: 1 fencing token, 2 event timestamp, 3 log size (MAXLEN ~), 4 the new state version,
--   5 number of puts P, 6 number of removed R, 7 number of changes C, then flat:
--   P pairs key, stateJson; R keys; C groups of key, stateJson, orgId, status, statusMessage
-- Returns a flat array: the state version before and after ('' for none), then
--   eventId1, "i,j,..." (1-based change indexes in that event), eventId2, ...
-- The version is set (to ARGV[4]) whenever the state hash was written, and only then: a reader
-- that knows the hash at one version need not read it again while the version stays.
local lease = redis.call('GET', KEYS[3])
local current = 0
if lease then
  current = tonumber(string.match(lease, '|(%d+)$')) or 0
end
if current ~= tonumber(ARGV[1]) then
  -- no lease (expired, flushed) or another holder's token: this poller is not the poller now
  return redis.error_reply('STALE ' .. current)
end

local puts, removed, changes = tonumber(ARGV[5]), tonumber(ARGV[6]), tonumber(ARGV[7])
local at = 8
local wrote = false

-- HSET takes many pairs at once; in slices, as unpack has a small stack
local i = 0
while i < puts do
  local n = math.min(500, puts - i)
  redis.call('HSET', KEYS[1], unpack(ARGV, at + 2 * i, at + 2 * (i + n) - 1))
  wrote = true
  i = i + n
end
at = at + 2 * puts

for j = 0, removed - 1 do
  if redis.call('HDEL', KEYS[1], ARGV[at + j]) == 1 then
    wrote = true
  end
end
at = at + removed

-- a change already stored (a repeated batch, or a racing poller) is never emitted twice
local orgs, byOrg = {}, {}
for n = 1, changes do
  local c = at + 5 * (n - 1)
  local key, state, org, status, message = ARGV[c], ARGV[c + 1], ARGV[c + 2], ARGV[c + 3], ARGV[c + 4]
  local stored = redis.call('HGET', KEYS[1], key)
  local same = false
  if stored then
    local s = cjson.decode(stored)
    local storedMessage = s.statusMessage
    if storedMessage == nil or storedMessage == cjson.null then storedMessage = '' end
    same = s.status == status and storedMessage == message
  end
  if not same then
    redis.call('HSET', KEYS[1], key, state)
    wrote = true
    if byOrg[org] == nil then
      byOrg[org] = { items = {}, indexes = {} }
      table.insert(orgs, org)
    end
    table.insert(byOrg[org].items, state)
    table.insert(byOrg[org].indexes, tostring(n))
  end
end

local before = redis.call('GET', KEYS[4]) or ''
local after = before
if wrote then
  redis.call('SET', KEYS[4], ARGV[4])
  after = ARGV[4]
end

local out = { before, after }
for _, org in ipairs(orgs) do
  local e = byOrg[org]
  local id = redis.call('XADD', KEYS[2], 'MAXLEN', '~', ARGV[3], '*',
      'orgId', org, 'timestamp', ARGV[2], 'items', '[' .. table.concat(e.items, ',') .. ']')
  table.insert(out, id)
  table.insert(out, table.concat(e.indexes, ','))
end
return out
