-- Load script for wrk against a running intake (make run):
--   wrk -t2 -c8 -d30s --latency -s scripts/wrk-intake.lua http://127.0.0.1:3000/leads
-- Every request carries a new email, company and Idempotency-Key, so each one
-- is a new lead that is routed and stored, never a recognised repeat.
-- next_thread_id lives in the setup state; thread:set copies each thread's
-- number into that thread's own state as the global thread_id.
local counter = 0
local next_thread_id = 0

function setup(thread)
  thread:set("thread_id", next_thread_id)
  next_thread_id = next_thread_id + 1
end

function request()
  counter = counter + 1
  local n = string.format("%d-%d-%d", os.time(), thread_id, counter)
  local body = string.format(
    '{"email":"lead%s@load%s.example.com","company":"Load %s Ltd","source":"inbound","employees":"%d"}',
    n, n, n, counter % 500 + 1)
  local headers = {
    ["Content-Type"] = "application/json",
    ["Idempotency-Key"] = "wrk-" .. n,
  }
  return wrk.format("POST", nil, headers, body)
end
