-- wrk: POST /v1/namespaces/bench/certificates with a P-256 CSR each (scripts/bench/pki).
-- BENCH_PKI_BODIES names a file of JSON bodies, one per line; each thread cycles through them
-- from its own offset.
local C = dofile((os.getenv("BENCH_LUA_DIR") or "scripts/bench") .. "/common.lua")
setup = C.setup
done = C.done
response = C.response -- nil unless BENCH_DIAG=1

local headers = C.auth({ ["Content-Type"] = "application/json" })
local requests = {}
local i = 1

function init(args)
   for line in io.lines(os.getenv("BENCH_PKI_BODIES")) do
      requests[#requests + 1] = wrk.format("POST", "/v1/namespaces/bench/certificates", headers, line)
   end
   i = ((tid or 0) * 97) % #requests + 1
end

function request()
   local r = requests[i]
   i = i % #requests + 1
   return r
end
