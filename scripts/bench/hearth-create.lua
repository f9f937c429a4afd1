-- wrk: POST /v1/namespaces with a new name each request: n-<run>-<thread>-<counter>.
local C = dofile((os.getenv("BENCH_LUA_DIR") or "scripts/bench") .. "/common.lua")
setup = C.setup
done = C.done
response = C.response -- nil unless BENCH_DIAG=1

local counter = 0
local headers = C.auth({ ["Content-Type"] = "application/json" })

function request()
   counter = counter + 1
   local body = string.format(
      '{"name":"n-%s-%d-%d","labels":{"a":"b"},"spec":{"description":"x"}}', C.run, tid, counter)
   return wrk.format("POST", "/v1/namespaces", headers, body)
end
