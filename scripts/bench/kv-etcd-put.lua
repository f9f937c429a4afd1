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

init, request = C.puts(
   function(key)
      return wrk.format("POST", "/v3/kv/put", headers, '{"key":"' .. C.base64(key) .. '","value":"' .. value .. '"}')
   end,
   function(k) return "bench/g-" .. k end,
   function(counter) return string.format("bench/n-%s-%d-%d", C.run, tid, counter) end)
