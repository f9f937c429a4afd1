-- wrk: etcd JSON gateway POST /v3/kv/put with a new key each request:
-- bench/n-<run>-<thread>-<counter>, value the same JSON as a Hearth create body.
local C = dofile((os.getenv("BENCH_LUA_DIR") or "scripts/bench") .. "/common.lua")
setup = C.setup
done = C.done
response = C.response -- nil unless BENCH_DIAG=1

local counter = 0
local headers = { ["Content-Type"] = "application/json" }
local value = C.base64('{"labels":{"a":"b"},"spec":{"description":"x"}}')

function request()
   counter = counter + 1
   local key = string.format("bench/n-%s-%d-%d", C.run, tid, counter)
   local body = '{"key":"' .. C.base64(key) .. '","value":"' .. value .. '"}'
   return wrk.format("POST", "/v3/kv/put", headers, body)
end
