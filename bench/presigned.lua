-- wrk script: sends each pre-signed request of a file exactly once, optionally at a fixed
-- rate, and reports the status codes it got back.
--
--   wrk -t1 -c32 -d11s --latency -s bench/presigned.lua URL -- file=orders.tsv [rate=1000]
--
-- The file holds one request a line, tab-separated: METHOD, path, key id, timestamp (ms),
-- base64 signature, JSON body (may be empty). A server that rejects replays would answer a
-- second sending with a 401, so nothing is ever sent twice: when the file is used up the
-- connections idle and the thread stops once every answer is in. With rate=R the requests
-- leave at R per second (the schedule is shared by all connections). One wrk thread only.
--
-- done() prints one line `PRESIGNED_RESULT {json}`: requests sent and answered, the answers
-- with a fill_count above 0 (orders that crossed), the count of
-- each status code and the first body of each non-2xx code, the time in flight (first send
-- to last answer, or to the end of the run while answers were pending), the rate over it,
-- and p50/p99/max latency in ms from wrk's histogram.

local ffi = require("ffi")
ffi.cdef [[
   typedef struct { long tv_sec; long tv_nsec; } bench_timespec;
   int clock_gettime(int clock_id, bench_timespec *tp);
]]
local CLOCK_MONOTONIC = 1
local timespec = ffi.new("bench_timespec")

local function now_s()
   ffi.C.clock_gettime(CLOCK_MONOTONIC, timespec)
   return tonumber(timespec.tv_sec) + tonumber(timespec.tv_nsec) / 1e9
end

local IDLE_MS = 3600 * 1000  -- longer than any run: an idle connection sends nothing more

local threads = {}

function setup(thread)
   table.insert(threads, thread)
   if #threads > 1 then
      error("presigned.lua: run wrk with -t1 (every thread would send the whole file again)")
   end
end

-- per-thread state (globals, so that done() can read them through thread:get)
sent, answered, filled, first_sent, last_answer, used_up = 0, 0, 0, 0, 0, 0
codes, samples = {}, {}
local requests, count = {}, 0
local reserved, interval_s, started = 0, 0, nil

local function split_tabs(line)
   local fields = {}
   for field in (line .. "\t"):gmatch("([^\t]*)\t") do
      fields[#fields + 1] = field
   end
   return fields
end

function init(args)
   local options = {}
   for _, arg in ipairs(args) do
      local key, value = arg:match("^([%w_]+)=(.*)$")
      if not key then error("presigned.lua: arguments are key=value, got " .. arg) end
      options[key] = value
   end
   if not options.file then error("presigned.lua: give file=PRESIGNED.tsv") end
   for line in io.lines(options.file) do
      local f = split_tabs(line)
      if #f ~= 6 then error("presigned.lua: expected 6 tab-separated fields, got " .. #f) end
      local headers = {
         ["KALSHI-ACCESS-KEY"] = f[3],
         ["KALSHI-ACCESS-TIMESTAMP"] = f[4],
         ["KALSHI-ACCESS-SIGNATURE"] = f[5],
      }
      local body = nil
      if f[6] ~= "" then
         body = f[6]
         headers["Content-Type"] = "application/json"
      end
      count = count + 1
      requests[count] = wrk.format(f[1], f[2], headers, body)
   end
   if options.rate then interval_s = 1 / tonumber(options.rate) end
end

-- Called before every request on a connection (wrk sets no other order): reserves the next
-- request of the file, or idles the connection once every one is reserved; with a rate, waits
-- for the reserved request's slot in the schedule.
function delay()
   if reserved >= count then
      used_up = 1
      return IDLE_MS
   end
   reserved = reserved + 1
   if interval_s == 0 then return 0 end
   local now = now_s()
   started = started or now
   local wait_ms = (started + (reserved - 1) * interval_s - now) * 1000
   return wait_ms > 0 and wait_ms or 0
end

function request()
   if sent >= reserved then
      -- only the check wrk makes before the run (a reservation precedes every real request)
      return wrk.format("GET", "/")
   end
   sent = sent + 1
   if sent == 1 then first_sent = now_s() end
   return requests[sent]
end

function response(status, headers, body)
   answered = answered + 1
   last_answer = now_s()
   local code = tostring(status)
   codes[code] = (codes[code] or 0) + 1
   if (status < 200 or status >= 300) and samples[code] == nil then
      samples[code] = body:sub(1, 300)
   end
   -- An order answer names what filled at once (CreateOrderV2Response.fill_count).
   local fill = body:match('"fill_count":"([%d.]+)"')
   if fill and tonumber(fill) > 0 then filled = filled + 1 end
   if answered >= count then wrk.thread:stop() end
end

local function json_string(s)
   return '"' .. tostring(s):gsub('[%c"\\]', function(c)
      if c == '"' then return '\\"' elseif c == "\\" then return "\\\\" end
      return string.format("\\u%04x", c:byte())
   end) .. '"'
end

local function json_object(t, encode)
   local parts = {}
   for k, v in pairs(t) do parts[#parts + 1] = json_string(k) .. ":" .. encode(v) end
   return "{" .. table.concat(parts, ",") .. "}"
end

function done(summary, latency, _)
   local ended = now_s()
   local t = threads[1]
   local n_sent, n_answered = t:get("sent"), t:get("answered")
   local began, last = t:get("first_sent"), t:get("last_answer")
   -- Answers still pending at the end: the server was busy until the end.
   local until_s = (n_sent > n_answered or last == 0) and ended or last
   local window = (began > 0 and until_s > began) and (until_s - began) or summary.duration / 1e6
   local e = summary.errors
   io.write(string.format(
      "PRESIGNED_RESULT {\"sent\":%d,\"answered\":%d,\"filled\":%d,\"used_up\":%s,\"window_s\":%.4f,\"rps\":%.1f," ..
      "\"p50_ms\":%.3f,\"p99_ms\":%.3f,\"max_ms\":%.3f,\"socket_errors\":%d,\"timeouts\":%d," ..
      "\"codes\":%s,\"samples\":%s}\n",
      n_sent, n_answered, t:get("filled"), t:get("used_up") == 1 and "true" or "false", window, n_answered / window,
      latency:percentile(50) / 1000, latency:percentile(99) / 1000, latency.max / 1000,
      e.connect + e.read + e.write, e.timeout,
      json_object(t:get("codes"), tostring), json_object(t:get("samples"), json_string)))
end
