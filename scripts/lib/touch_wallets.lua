-- scripts/bench --scale: touches the wallet of users 1..USERS once each,
-- with the keys scripts/lib/scale_users.sql gave them, then creates the
-- file DONE and stops. wrk itself runs on until its duration or SIGINT.
-- Run with one thread: the counters are the thread's own.
local users = tonumber(os.getenv("USERS"))
local done = os.getenv("DONE")
local sent = 0
local answered = 0

request = function()
  -- The connections still busy when the last user is answered may read
  -- the last user's wallet again.
  sent = math.min(sent + 1, users)
  local id = tostring(sent)
  local key = "k" .. string.rep("0", 42 - #id) .. id
  return wrk.format("GET", "/api/users/balance?userId=" .. id,
                    {["Authorization"] = "Bearer " .. key})
end

response = function()
  answered = answered + 1
  if answered == users then
    io.open(done, "w"):close()
    wrk.thread:stop()
  end
end
