-- homework_publish.lua: wrk script for bench/homework_publish.sh. Each request publishes one
-- 2-minute written item as one of many teachers, in one of many classes, walking the
-- (teacher, class, subject) list first and then HW_BENCH_DAYS dates from the HW_BENCH_FIRST-th
-- date on; a class-day takes 30 such items (five subjects, six rounds) within its 60-minute cap,
-- so every request should be accepted.
-- Data: HW_BENCH_DATA, lines "token class_id subject", then "date YYYY-MM-DD -" lines.
-- HW_BENCH_THREADS must equal wrk's -t.
local entries, dates = {}, {}
local counter = 0
local nthreads = tonumber(os.getenv("HW_BENCH_THREADS") or "1")
local first = tonumber(os.getenv("HW_BENCH_FIRST") or "0")
local ndays = tonumber(os.getenv("HW_BENCH_DAYS") or "100")
local created = 0

local threads = {}
function setup(thread)
  thread:set("tid", #threads)
  table.insert(threads, thread)
end

function init(args)
  for line in io.lines(os.getenv("HW_BENCH_DATA")) do
    local a, b, c = line:match("^(%S+) (%S+) (%S+)$")
    if a == "date" then
      table.insert(dates, b)
    elseif a then
      table.insert(entries, { token = a, class = b, subject = c })
    end
  end
end

function request()
  local i = counter * nthreads + tid
  counter = counter + 1
  local e = entries[(i % #entries) + 1]
  local d = dates[first + (math.floor(i / #entries) % ndays) + 1]
  local body = string.format('{"class_id":%s,"date":"%s","subject":"%s","title":"练习 %d","kind":"written","minutes":2}',
                             e.class, d, e.subject, i)
  return wrk.format("POST", "/api/v1/homework",
                    { ["Authorization"] = "Bearer " .. e.token, ["Content-Type"] = "application/json" }, body)
end

function response(status, headers, body)
  if status == 201 then created = created + 1 end
end

function done(summary, latency, requests)
  local errors = summary.errors.status + summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout
  io.write(string.format("publish_requests %d non_2xx_or_errors %d seconds %.2f accepted_per_s %.1f p50_ms %.1f p99_ms %.1f\n",
    summary.requests, errors, summary.duration / 1e6,
    (summary.requests - errors) / (summary.duration / 1e6),
    latency:percentile(50) / 1000, latency:percentile(99) / 1000))
end
