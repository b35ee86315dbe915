-- Shared by the bench/*.lua wrk scripts: counts responses by status in each
-- thread and prints one machine-readable line at the end, which bench/run
-- parses:
--   BENCH requests=N duration_us=N rps=X p50_us=N p99_us=N connect=N read=N
--         write=N timeout=N non2xx=N codes=200:N,204:N
-- Each wrk thread runs its own copy of the script; done() runs once, in the
-- main state, and collects the threads' counters.
local M = {}
local threads = {}

function M.setup(thread)
	table.insert(threads, thread)
	thread:set("thread_index", #threads)
end

-- A global, so that thread:get("codes") can read it from done().
codes = {}

function M.response(status)
	codes[status] = (codes[status] or 0) + 1
end

function M.done(summary, latency)
	local total, non2xx = {}, 0
	for _, t in ipairs(threads) do
		for status, n in pairs(t:get("codes")) do
			total[status] = (total[status] or 0) + n
		end
	end
	local keys = {}
	for status, n in pairs(total) do
		table.insert(keys, status)
		if status < 200 or status > 299 then
			non2xx = non2xx + n
		end
	end
	table.sort(keys)
	local parts = {}
	for _, status in ipairs(keys) do
		table.insert(parts, status .. ":" .. total[status])
	end
	local e = summary.errors
	io.write(string.format(
		"BENCH requests=%d duration_us=%d rps=%.1f p50_us=%d p99_us=%d connect=%d read=%d write=%d timeout=%d non2xx=%d codes=%s\n",
		summary.requests, summary.duration, summary.requests / (summary.duration / 1e6),
		latency:percentile(50), latency:percentile(99), e.connect, e.read, e.write, e.timeout,
		non2xx, table.concat(parts, ",")))
end

-- Environment variable NAME, or an error naming it.
function M.env(name)
	local v = os.getenv(name)
	if v == nil or v == "" then
		error(name .. " is not set")
	end
	return v
end

-- "a,b,c" -> {"a", "b", "c"}
function M.split(list)
	local out = {}
	for item in string.gmatch(list, "[^,]+") do
		table.insert(out, item)
	end
	return out
end

-- Installs setup/response/done as the globals wrk looks for.
function M.install()
	setup = M.setup
	response = M.response
	done = M.done
end

return M
