-- wrk: each request as another of the agents signed in by `walk.py --sessions FILE` (one session
-- cookie a line), on the page given by JILI_PATHS (comma-separated; rotated with the sessions).
--   JILI_SESSIONS=agents.txt JILI_PATHS=/dashboard,/statements/2026-10,/points wrk -s agents.lua -c100 -d15s URL
local sessions, paths = {}, {}
for line in io.lines(os.getenv("JILI_SESSIONS")) do
  if #line > 0 then sessions[#sessions + 1] = line end
end
for p in string.gmatch(os.getenv("JILI_PATHS") or "/dashboard", "[^,]+") do paths[#paths + 1] = p end
local n = 0

function setup(thread)
  n = n + 1
  thread:set("offset", n * 7919)
end

local i = 0
function request()
  i = i + 1
  local k = (i + (offset or 0))
  local cookie = sessions[k % #sessions + 1]
  local path = paths[(math.floor(k / #sessions) + k) % #paths + 1]
  return wrk.format("GET", path, { ["Cookie"] = "jili_session=" .. cookie, ["User-Agent"] = "MicroMessenger jili-wrk" })
end

local errors = 0
function response(status)
  if status ~= 200 then errors = errors + 1 end
end

function done(summary, latency, requests)
  io.write(string.format("sessions %d, paths %s; non-2xx (wrk's count) %d; p50 %.1f ms, p90 %.1f ms, p99 %.1f ms, max %.1f ms, %.0f requests/s\n",
    #sessions, table.concat(paths, ","), summary.errors.status, latency:percentile(50) / 1000, latency:percentile(90) / 1000,
    latency:percentile(99) / 1000, latency.max / 1000, summary.requests / (summary.duration / 1e6)))
end
