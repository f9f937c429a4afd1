-- wrk: etcd JSON gateway POST /v3/kv/range of bench/g-<i>, round-robin over the
-- BENCH_KEYS keys that scripts/bench/resources put beforehand. etcd's default
-- (linearizable) range, as a client gets without asking for a serializable read.
local C = dofile((os.getenv("BENCH_LUA_DIR") or "scripts/bench") .. "/common.lua")
setup = C.setup
done = C.done
response = C.response -- nil unless BENCH_DIAG=1

local requests = {}
local i = 0
local headers = { ["Content-Type"] = "application/json" }

function init(args)
   for k = 0, C.keys - 1 do
      local body = '{"key":"' .. C.base64("bench/g-" .. k) .. '"}'
      requests[k] = wrk.format("POST", "/v3/kv/range", headers, body)
   end
   i = (tid * 499) % C.keys
end

function request()
   local r = requests[i]
   i = (i + 1) % C.keys
   return r
end
