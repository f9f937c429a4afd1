-- wrk: GET /v1/namespaces/bench/kv/g-<i> (the raw value), round-robin over the BENCH_KEYS keys
-- that scripts/bench/kv put beforehand (g-0 .. g-<BENCH_KEYS-1>).
local C = dofile((os.getenv("BENCH_LUA_DIR") or "scripts/bench") .. "/common.lua")
setup = C.setup
done = C.done
response = C.response -- nil unless BENCH_DIAG=1

local requests = {}
local i = 0

function init(args)
   for k = 0, C.keys - 1 do
      requests[k] = wrk.format("GET", "/v1/namespaces/bench/kv/g-" .. k, C.auth({}))
   end
   i = (tid * 499) % C.keys -- threads start at different keys
end

function request()
   local r = requests[i]
   i = (i + 1) % C.keys
   return r
end
