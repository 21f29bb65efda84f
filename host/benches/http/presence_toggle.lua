-- A durable presence change per request: alice goes online and offline in turn.
local n = 0
local headers = {
  ["Content-Type"] = "application/json",
  ["Authorization"] = "Bearer " .. os.getenv("TOKEN"),
}
request = function()
  n = n + 1
  local change = (n % 2 == 0) and "online" or "offline"
  return wrk.format("POST", "/api/v1/projects/SUP/presence/" .. change, headers, "{}")
end
