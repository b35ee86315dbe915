-- POST /api/v1/auth/token, password grant for $BENCH_USER / $BENCH_PASSWORD
-- (the password must not need URL encoding: bench/run generates hex).
package.path = os.getenv("BENCH_LUA_DIR") .. "/?.lua;" .. package.path
local common = require("common")
common.install()

wrk.method = "POST"
wrk.path = "/api/v1/auth/token"
wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"
wrk.body = "grant_type=password&username=" .. common.env("BENCH_USER") .. "&password=" .. common.env("BENCH_PASSWORD")
