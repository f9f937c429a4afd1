-- wrk: etcd JSON gateway POST /v3/kv/put of a BENCH_VALUE_SIZE-byte value (scripts/bench/kv).
-- BENCH_PUT_MODE=overwrite (default): round-robin over the BENCH_KEYS keys bench/g-<i> put
-- beforehand (each put replaces a value); fresh: a new key every request,
-- bench/n-<run>-<thread>-<counter>.
local C = dofile((os.getenv("BENCH_LUA_DIR") or "scripts/bench") .. "/common.lua")
setup = C.setup
done = C.done
response = C.response -- nil unless BENCH_DIAG=1

local headers = { ["Content-Type"] = "application/json" }
local value = C.base64(C.value())
local fresh = os.getenv("BENCH_PUT_MODE") == "fresh"
local requests = {}
local i = 0
local counter = 0

local function put(key)
   return wrk.format("POST", "/v3/kv/put", headers, '{"key":"' .. C.base64(key) .. '","value":"' .. value .. '"}')
end

function init(args)
   if not fresh then
      for k = 0, C.keys - 1 do requests[k] = put("bench/g-" .. k) end
      i = (tid * 499) % C.keys
   end
end

function request()
   if fresh then
      counter = counter + 1
      return put(string.format("bench/n-%s-%d-%d", C.run, tid, counter))
   end
   local r = requests[i]
   i = (i + 1) % C.keys
   return r
end
