-- GET $BENCH_PATH, with "Authorization: Bearer $BENCH_TOKEN" when that is set.
package.path = os.getenv("BENCH_LUA_DIR") .. "/?.lua;" .. package.path
local common = require("common")
common.install()

wrk.method = "GET"
wrk.path = common.env("BENCH_PATH")
local token = os.getenv("BENCH_TOKEN")
if token and token ~= "" then
	wrk.headers["Authorization"] = "Bearer " .. token
end
