-- wrk: GET <BENCH_GET_PREFIX><i> round-robin over the BENCH_KEYS objects made beforehand
-- (g-0 .. g-<BENCH_KEYS-1>). The prefix is /v1/namespaces/g- by default (namespaces that
-- scripts/bench/resources created); scripts/bench/kv sets /v1/namespaces/bench/kv/g- (keys).
local C = dofile((os.getenv("BENCH_LUA_DIR") or "scripts/bench") .. "/common.lua")
setup = C.setup
done = C.done
response = C.response -- nil unless BENCH_DIAG=1

local prefix = os.getenv("BENCH_GET_PREFIX") or "/v1/namespaces/g-"

init, request = C.round_robin(function(k) return wrk.format("GET", prefix .. k, C.auth({})) end)
