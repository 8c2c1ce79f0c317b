-- scripts/bench --scale: touches the wallet of users 1..USERS once each,
-- with the keys scripts/lib/scale_users.sql gave them, then stops.
-- Run with one thread: the counter is the thread's own.
local users = tonumber(os.getenv("USERS"))
local n = 0

request = function()
  n = n + 1
  local id = tostring(n)
  local key = "k" .. string.rep("0", 42 - #id) .. id
  return wrk.format("GET", "/api/users/balance?userId=" .. id,
                    {["Authorization"] = "Bearer " .. key})
end

response = function()
  if n >= users then
    wrk.thread:stop()
  end
end
