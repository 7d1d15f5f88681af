-- wrk script for the HTTP benchmark (bench/http.bench.sh). MODE picks the requests:
-- person, search, occupancy, register, login, or mixed (searches, person reads,
-- occupancy and registrations; logins run beside it in a second wrk). At the end one
-- line "RESULT <mode> rps=... p50_ms=... p99_ms=... errors=..." for the script to read.
local mode = os.getenv("MODE") or "person"
local token = os.getenv("TOKEN") or ""
local person = os.getenv("PERSON_ID") or ""
local site = os.getenv("SITE_ID") or ""
local user = os.getenv("BENCH_USER") or "admin"
local password = os.getenv("BENCH_PASSWORD") or ""

local threads = {}
local counter = 0
tid = 0

function setup(thread)
  table.insert(threads, thread)
  thread:set("tid", #threads)
end

local auth = { ["Authorization"] = "Bearer " .. token }
local auth_json = { ["Authorization"] = "Bearer " .. token, ["Content-Type"] = "application/json" }

local function person_req()
  return wrk.format("GET", "/api/v1/persons/" .. person, auth)
end

local function search_req()
  return wrk.format("GET", "/api/v1/persons?q=moh%20ahm&limit=50", auth)
end

local function occupancy_req()
  return wrk.format("GET", "/api/v1/sites/" .. site .. "/occupancy", auth)
end

local function register_req()
  counter = counter + 1
  local body = string.format(
    '{"given_name":"Bench","family_name":"Runner %d x %d","sex":"M","birth_date":"1990-01-%02d",' ..
    '"citizenship":"AF","languages":["fa"],"site_id":"%s"}', tid, counter, 1 + counter % 28, site)
  return wrk.format("POST", "/api/v1/persons", auth_json, body)
end

local function login_req()
  return wrk.format("POST", "/api/v1/session", { ["Content-Type"] = "application/json" },
    string.format('{"username":"%s","password":"%s"}', user, password))
end

function request()
  if mode == "person" then return person_req()
  elseif mode == "search" then return search_req()
  elseif mode == "occupancy" then return occupancy_req()
  elseif mode == "register" then return register_req()
  elseif mode == "login" then return login_req()
  end
  local r = math.random(100)
  if r <= 40 then return search_req()
  elseif r <= 75 then return person_req()
  elseif r <= 90 then return occupancy_req()
  end
  return register_req()
end

function done(summary, latency, requests)
  local errors = summary.errors.connect + summary.errors.read + summary.errors.write +
    summary.errors.timeout + summary.errors.status
  io.write(string.format("RESULT %s rps=%.1f p50_ms=%.2f p99_ms=%.2f max_ms=%.1f requests=%d errors=%d\n",
    mode, summary.requests / (summary.duration / 1e6), latency:percentile(50) / 1000,
    latency:percentile(99) / 1000, latency.max / 1000, summary.requests, errors))
end
