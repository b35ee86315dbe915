-- POST /api/v1/tickets: priority $BENCH_PRIORITY for the existing customers in
-- $BENCH_CUSTOMERS (comma-separated ids, taken in turn); turnero places the
-- ticket in a queue. No Idempotency-Key: every request is a new ticket.
package.path = os.getenv("BENCH_LUA_DIR") .. "/?.lua;" .. package.path
local common = require("common")
common.install()

local priority = common.env("BENCH_PRIORITY")
local customers = common.split(common.env("BENCH_CUSTOMERS"))
local headers = {
	["Authorization"] = "Bearer " .. common.env("BENCH_TOKEN"),
	["Content-Type"] = "application/json",
}
local bodies = {}
for i, id in ipairs(customers) do
	bodies[i] = string.format('{"priority_id":"%s","customer_id":"%s"}', priority, id)
end
local n = 0

function request()
	n = n + 1
	return wrk.format("POST", "/api/v1/tickets", headers, bodies[n % #bodies + 1])
end
