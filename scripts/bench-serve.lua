-- wrk script for scripts/bench-serve: status reports and FleetLock calls from 100,000 known machines.
-- Each request picks a machine at random (distinct ids and tokens); bodies change on every request.
-- Mix: 70% POST v1/machines/ID/status (bootc status JSON, staged digest and timestamp vary),
--      15% POST v1/pre-reboot, 15% POST v1/steady-state (Zincati's pretty-printed body, no Content-Type).
-- Usage: wrk ... -s scripts/bench-serve.lua URL -- TOKENS_FILE   (lines "id token group")

local ids, tokens, groups, n = {}, {}, {}, 0
local seq = 0
codes = {}  -- global: done() reads it from each thread
local threads = {}

function setup(thread)
   thread:set("tid", #threads + 1)
   table.insert(threads, thread)
end

function init(args)
   for line in io.lines(args[1]) do
      local id, token, group = line:match("^(%x+) (%S+) (%S+)$")
      n = n + 1
      ids[n], tokens[n], groups[n] = id, token, group
   end
   math.randomseed(os.time() * 100 + tid)
end

local hex = "0123456789abcdef"
local function digest()
   local t = {}
   for k = 1, 64 do
      local r = math.random(16)
      t[k] = hex:sub(r, r)
   end
   return "sha256:" .. table.concat(t)
end

local booted = "sha256:" .. string.rep("b", 64)

local function status_body(id)
   seq = seq + 1
   local staged = digest()
   local entry = '{"image":{"image":{"image":"registry.example.com/fleet/app@%s","transport":"registry"},'
      .. '"version":"43.%d","timestamp":"2026-11-29T03:%02d:%02dZ","imageDigest":"%s","architecture":"amd64"},'
      .. '"cachedUpdate":null,"incompatible":false,"pinned":false,"downloadOnly":false,'
      .. '"ostree":{"checksum":"%s","deploySerial":0,"stateroot":"default"}}'
   return '{"apiVersion":"org.containers.bootc/v1","kind":"BootcHost","metadata":{"name":"' .. id .. '"},'
      .. '"spec":{"image":{"image":"registry.example.com/fleet/app@' .. booted .. '","transport":"registry"},"bootOrder":"default"},'
      .. '"status":{"staged":' .. string.format(entry, staged, seq, seq % 60, tid, staged, staged:sub(8, 71))
      .. ',"booted":' .. string.format(entry, booted, 1, 0, 0, booted, booted:sub(8, 71))
      .. ',"rollback":null,"rollbackQueued":false,"type":"bootcHost"}}'
end

local function fleetlock_body(i)
   return '{\n  "client_params": {\n    "id": "' .. ids[i] .. '",\n    "group": "' .. groups[i] .. '"\n  }\n}'
end

function request()
   local i = math.random(n)
   local r = math.random(100)
   if r <= 70 then
      return wrk.format("POST", "/v1/machines/" .. ids[i] .. "/status",
         { ["Authorization"] = "Bearer " .. tokens[i], ["Content-Type"] = "application/json" }, status_body(ids[i]))
   elseif r <= 85 then
      return wrk.format("POST", "/v1/pre-reboot", { ["fleet-lock-protocol"] = "true" }, fleetlock_body(i))
   else
      return wrk.format("POST", "/v1/steady-state", { ["fleet-lock-protocol"] = "true" }, fleetlock_body(i))
   end
end

function response(status, headers, body)
   codes[status] = (codes[status] or 0) + 1
end

function done(summary, latency, requests)
   local total = {}
   for _, t in ipairs(threads) do
      for code, count in pairs(t:get("codes")) do total[code] = (total[code] or 0) + count end
   end
   local parts = {}
   for code, count in pairs(total) do table.insert(parts, code .. ": " .. count) end
   table.sort(parts)
   io.write("status codes: " .. table.concat(parts, ", ") .. "\n")
   io.write(string.format("latency p50 %.2f ms, p90 %.2f ms, p99 %.2f ms, max %.2f ms\n",
      latency:percentile(50) / 1000, latency:percentile(90) / 1000, latency:percentile(99) / 1000, latency.max / 1000))
   io.write(string.format("requests/s %.0f (%d requests in %.1f s; %d socket errors or timeouts)\n",
      summary.requests / (summary.duration / 1e6), summary.requests, summary.duration / 1e6,
      summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout))
end
