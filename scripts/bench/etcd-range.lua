-- wrk: etcd JSON gateway POST /v3/kv/range of bench/g-<i>, round-robin over the
-- BENCH_KEYS keys that scripts/bench/resources put beforehand. etcd's default
-- (linearizable) range, as a client gets without asking for a serializable read.
local C = dofile((os.getenv("BENCH_LUA_DIR") or "scripts/bench") .. "/common.lua")
setup = C.setup
done = C.done
response = C.response -- nil unless BENCH_DIAG=1

local headers = { ["Content-Type"] = "application/json" }

init, request = C.round_robin(function(k)
   return wrk.format("POST", "/v3/kv/range", headers, '{"key":"' .. C.base64("bench/g-" .. k) .. '"}')
end)
