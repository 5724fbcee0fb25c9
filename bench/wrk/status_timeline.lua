-- wrk script for bench/resilience.py: cycles through the paths given after `--`, and counts
-- answers per wall-clock second and status code, so a run shows what visitors got when.
-- At the end it prints one line: "TIMELINE <second>:<status>=<count>,…" (every thread merged).

local threads = {}

function setup(thread)
  table.insert(threads, thread)
end

function init(args)
  paths = {}
  for i, path in ipairs(args) do
    paths[i] = path
  end
  if #paths == 0 then
    paths = { "/" }
  end
  -- Each thread starts at a different page, so they do not move in step.
  index = math.random(#paths)
  counts = {}
end

function request()
  index = index % #paths + 1
  return wrk.format("GET", paths[index])
end

function response(status, headers, body)
  local key = os.time() .. ":" .. status
  counts[key] = (counts[key] or 0) + 1
end

function done(summary, latency, requests)
  local merged = {}
  for _, thread in ipairs(threads) do
    for key, count in pairs(thread:get("counts")) do
      merged[key] = (merged[key] or 0) + count
    end
  end
  local parts = {}
  for key, count in pairs(merged) do
    table.insert(parts, key .. "=" .. count)
  end
  io.write("TIMELINE " .. table.concat(parts, ",") .. "\n")
end
