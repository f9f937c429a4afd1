-- wrk: PUT /v1/namespaces/bench/kv/<key> with a raw BENCH_VALUE_SIZE-byte body (scripts/bench/kv).
-- BENCH_PUT_MODE=overwrite (default): round-robin over the BENCH_KEYS keys g-<i> put beforehand
-- (each put replaces a value); fresh: a new key every request, n-<run>-<thread>-<counter>.
local C = dofile((os.getenv("BENCH_LUA_DIR") or "scripts/bench") .. "/common.lua")
setup = C.setup
done = C.done
response = C.response -- nil unless BENCH_DIAG=1

local headers = C.auth({ ["Content-Type"] = "application/octet-stream" })
local value = C.value()

init, request = C.puts(
   function(key) return wrk.format("PUT", "/v1/namespaces/bench/kv/" .. key, headers, value) end,
   function(k) return "g-" .. k end,
   function(counter) return string.format("n-%s-%d-%d", C.run, tid, counter) end)
