-- POST /api/v1/queues/{id}/call-next over the queues in $BENCH_QUEUES
-- (comma-separated ids, taken in turn), as the admin. 200 = a ticket was
-- called; 204 = nothing left to call (bench/run registers enough first).
package.path = os.getenv("BENCH_LUA_DIR") .. "/?.lua;" .. package.path
local common = require("common")
common.install()

local queues = common.split(common.env("BENCH_QUEUES"))
local headers = {["Authorization"] = "Bearer " .. common.env("BENCH_TOKEN")}
local n = 0

function init(args)
	-- Threads start on different queues.
	n = thread_index or 0
end

function request()
	n = n + 1
	return wrk.format("POST", "/api/v1/queues/" .. queues[n % #queues + 1] .. "/call-next", headers, nil)
end
