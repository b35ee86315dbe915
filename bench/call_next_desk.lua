-- POST /api/v1/desks/{id}/call-next over the desks in $BENCH_DESKS
-- (comma-separated ids, taken in turn), as the admin (queues:update may call
-- at any active desk). 200 = a ticket was called at the desk; 204 = nothing
-- left to call.
package.path = os.getenv("BENCH_LUA_DIR") .. "/?.lua;" .. package.path
local common = require("common")
common.install()

local desks = common.split(common.env("BENCH_DESKS"))
local headers = {["Authorization"] = "Bearer " .. common.env("BENCH_TOKEN")}
local n = 0

function init(args)
	n = thread_index or 0
end

function request()
	n = n + 1
	return wrk.format("POST", "/api/v1/desks/" .. desks[n % #desks + 1] .. "/call-next", headers, nil)
end
