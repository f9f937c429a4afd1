-- wrk: PUT /v1/namespaces/bench/kv/<key> with a raw BENCH_VALUE_SIZE-byte body (scripts/bench/kv).
-- BENCH_PUT_MODE=overwrite (default): round-robin over the BENCH_KEYS keys g-<i> put beforehand
-- (each put replaces a value); fresh: a new key every request, n-<run>-<thread>-<counter>.
local C = dofile((os.getenv("BENCH_LUA_DIR") or "scripts/bench") .. "/common.lua")
setup = C.setup
done = C.done
response = C.response -- nil unless BENCH_DIAG=1

local headers = C.auth({ ["Content-Type"] = "application/octet-stream" })
local value = C.value()
local fresh = os.getenv("BENCH_PUT_MODE") == "fresh"
local requests = {}
local i = 0
local counter = 0

local function put(key)
   return wrk.format("PUT", "/v1/namespaces/bench/kv/" .. key, headers, value)
end

function init(args)
   if not fresh then
      for k = 0, C.keys - 1 do requests[k] = put("g-" .. k) end
      i = (tid * 499) % C.keys
   end
end

function request()
   if fresh then
      counter = counter + 1
      return put(string.format("n-%s-%d-%d", C.run, tid, counter))
   end
   local r = requests[i]
   i = (i + 1) % C.keys
   return r
end
