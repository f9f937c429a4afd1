-- Shared helpers for the wrk scripts in scripts/bench (loaded with dofile).
-- BENCH_LUA_DIR names this directory; scripts/bench/resources sets it.

local M = {}

-- Thread ids: setup() runs in the main Lua state once per thread, before init().
local next_tid = 0
local threads = {}
function M.setup(thread)
   thread:set("tid", next_tid)
   next_tid = next_tid + 1
   threads[#threads + 1] = thread
end

-- BENCH_DIAG=1: each thread counts its non-2xx responses and keeps the first one's status and
-- body; done() prints them as DIAG lines. Off by default: a response() hook costs wrk CPU.
if os.getenv("BENCH_DIAG") == "1" then
   function M.response(status, headers, body)
      if status < 200 or status > 299 then
         diag_bad = (diag_bad or 0) + 1
         if not diag_first then
            diag_first = tostring(status) .. " " .. string.sub(body or "", 1, 400)
         end
      end
   end
end

-- BENCH_TOKEN (an access token) is sent as a bearer token when set: the runs with access control on.
function M.auth(headers)
   local token = os.getenv("BENCH_TOKEN")
   if token and token ~= "" then headers["Authorization"] = "Bearer " .. token end
   return headers
end

-- wrk's init and request for requests made once per key, make(k) for k in 0 .. BENCH_KEYS-1,
-- and sent round-robin, each thread starting at a different key.
function M.round_robin(make)
   local requests, i = {}, 0
   local function init(args)
      for k = 0, M.keys - 1 do requests[k] = make(k) end
      i = (tid * 499) % M.keys
   end
   local function request()
      local r = requests[i]
      i = (i + 1) % M.keys
      return r
   end
   return init, request
end

-- wrk's init and request for puts, by BENCH_PUT_MODE: overwrite (default) round-robin over the
-- keys name(k) put beforehand; fresh, a new key every request, fresh_name(counter).
function M.puts(put, name, fresh_name)
   if os.getenv("BENCH_PUT_MODE") ~= "fresh" then
      return M.round_robin(function(k) return put(name(k)) end)
   end
   local counter = 0
   return function(args) end, function()
      counter = counter + 1
      return put(fresh_name(counter))
   end
end

-- Standard base64 (etcd's JSON gateway takes keys and values as base64 bytes).
local alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
function M.base64(s)
   local out = {}
   for i = 1, #s, 3 do
      local a, b, c = s:byte(i, i + 2)
      local n = a * 65536 + (b or 0) * 256 + (c or 0)
      local c1 = math.floor(n / 262144) % 64
      local c2 = math.floor(n / 4096) % 64
      local c3 = math.floor(n / 64) % 64
      local c4 = n % 64
      out[#out + 1] = alphabet:sub(c1 + 1, c1 + 1) .. alphabet:sub(c2 + 1, c2 + 1)
         .. (b and alphabet:sub(c3 + 1, c3 + 1) or "=")
         .. (c and alphabet:sub(c4 + 1, c4 + 1) or "=")
   end
   return table.concat(out)
end

-- The value of the KV runs (scripts/bench/kv): BENCH_VALUE_SIZE bytes (100 unless set) of
-- printable ASCII, the same in every request; kv puts the same bytes beforehand.
function M.value()
   local n = tonumber(os.getenv("BENCH_VALUE_SIZE") or "100")
   local pattern = "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
   return string.rep(pattern, math.ceil(n / #pattern)):sub(1, n)
end

-- One machine-readable line for scripts/bench/resources, after wrk's own report.
function M.done(summary, latency, requests)
   local e = summary.errors
   io.write(string.format(
      "RESULT requests=%d duration_us=%d rps=%.1f p50_us=%d p99_us=%d max_us=%d connect=%d read=%d write=%d status=%d timeout=%d\n",
      summary.requests, summary.duration, summary.requests / (summary.duration / 1e6),
      latency:percentile(50), latency:percentile(99), latency.max,
      e.connect, e.read, e.write, e.status, e.timeout))
   for i, thread in ipairs(threads) do
      local bad = thread:get("diag_bad")
      if bad then
         io.write(string.format("DIAG thread %d: %d non-2xx responses; first: %s\n",
            i - 1, bad, tostring(thread:get("diag_first"))))
      end
   end
end

-- Settings from the environment (wrk passes its environment to the scripts).
M.run = os.getenv("BENCH_RUN") or tostring(os.time())
M.keys = tonumber(os.getenv("BENCH_KEYS") or "1000")

return M
