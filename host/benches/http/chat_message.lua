-- A durable chat message per request: an agent answers in one of the conversations listed
-- in CONVERSATIONS (space-separated ids), each request with a fresh client id.
local n = 0
local thread_tag = tostring(math.random(1, 1e9))
local conversations = {}
for id in string.gmatch(os.getenv("CONVERSATIONS"), "%S+") do
  table.insert(conversations, id)
end
local headers = {
  ["Content-Type"] = "application/json",
  ["Authorization"] = "Bearer " .. os.getenv("TOKEN"),
}
request = function()
  n = n + 1
  local id = conversations[(n % #conversations) + 1]
  local body = '{"client_id":"b' .. thread_tag .. '-' .. n .. '","body":"Benchmark answer number ' .. n .. '"}'
  return wrk.format("POST", "/api/v1/chat/conversations/" .. id .. "/messages", headers, body)
end
