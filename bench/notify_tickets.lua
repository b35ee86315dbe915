-- POST /api/v1/tickets for the customers in $BENCH_CUSTOMERS (comma-separated ids, taken
-- in turn, each with an email address), priority $BENCH_PRIORITY; with BENCH_NOTIFY=1 each
-- ticket also asks for email notifications ("notify":{"email":true}), otherwise the same
-- body without it. bench/notify_run compares the two.
package.path = os.getenv("BENCH_LUA_DIR") .. "/?.lua;" .. package.path
local common = require("common")
common.install()

local priority = common.env("BENCH_PRIORITY")
local customers = common.split(common.env("BENCH_CUSTOMERS"))
local notify = os.getenv("BENCH_NOTIFY") == "1" and ',"notify":{"email":true}' or ""
local headers = {
	["Authorization"] = "Bearer " .. common.env("BENCH_TOKEN"),
	["Content-Type"] = "application/json",
}
local bodies = {}
for i, id in ipairs(customers) do
	bodies[i] = string.format('{"priority_id":"%s","customer_id":"%s"%s}', priority, id, notify)
end
local n = 0

function request()
	n = n + 1
	return wrk.format("POST", "/api/v1/tickets", headers, bodies[n % #bodies + 1])
end
