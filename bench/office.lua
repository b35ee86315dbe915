-- An office's day: every connection alternates POST /api/v1/tickets (priority
-- $BENCH_PRIORITY, the customers of $BENCH_CUSTOMERS in turn) and POST
-- /api/v1/queues/{id}/call-next over $BENCH_QUEUES, so as many tickets are
-- called as are registered and no queue grows beyond a few dozen waiting.
-- 201 = a registration, 200 = a call that called someone, 204 = a call that
-- found the queues empty.
package.path = os.getenv("BENCH_LUA_DIR") .. "/?.lua;" .. package.path
local common = require("common")
common.install()

local priority = common.env("BENCH_PRIORITY")
local customers = common.split(common.env("BENCH_CUSTOMERS"))
local queues = common.split(common.env("BENCH_QUEUES"))
local token = "Bearer " .. common.env("BENCH_TOKEN")
local post_headers = {["Authorization"] = token, ["Content-Type"] = "application/json"}
local call_headers = {["Authorization"] = token}
local bodies = {}
for i, id in ipairs(customers) do
	bodies[i] = string.format('{"priority_id":"%s","customer_id":"%s"}', priority, id)
end
local n = 0

function init(args)
	n = thread_index or 0
end

function request()
	n = n + 1
	if n % 2 == 0 then
		return wrk.format("POST", "/api/v1/tickets", post_headers, bodies[(n / 2) % #bodies + 1])
	end
	return wrk.format("POST", "/api/v1/queues/" .. queues[((n - 1) / 2) % #queues + 1] .. "/call-next", call_headers, nil)
end
