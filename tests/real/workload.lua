-- workload.lua SIZE: what the real-program suite runs under Lua 5.4.
--
-- Recursion, string building, table sorts, closures, and errors caught by
-- pcall: Lua raises an error with longjmp, so every caught error leaves
-- frames of C functions without their exit hooks, and so does every
-- coroutine.yield. The work grows linearly with SIZE. Nothing here depends
-- on addresses: no table is keyed by a table or a function, and no table
-- or function is printed.
local size = tonumber(arg[1]) or 1
math.randomseed(42)

local function fib (n)
  if n < 2 then return n end
  return fib(n - 1) + fib(n - 2)
end

local function ackermann (m, n)
  if m == 0 then return n + 1 end
  if n == 0 then return ackermann(m - 1, 1) end
  return ackermann(m - 1, ackermann(m, n - 1))
end

local total = 0
for _ = 1, size do total = total + fib(20) + ackermann(2, 200) end
print("recursion", total)

local parts = {}
for i = 1, 2000 * size do
  parts[#parts + 1] = string.format("%05d:%s", i, string.rep(string.char(97 + i % 26), i % 7))
end
local text = table.concat(parts, ",")
local words, line = 0, ""
for word in text:gmatch("%d+:(%a+)") do
  words = words + #word
  line = line .. word:upper():sub(1, 1)
  if #line > 60 then line = "" end
end
print("strings", #text, words, #text:gsub("a+", "A"), text:find("00042:", 1, true), line:lower())

local numbers = {}
for i = 1, 5000 * size do numbers[i] = math.random(1, 1000000) end
table.sort(numbers)
local names = {}
for i = 1, 1000 * size do names[i] = string.format("name%d", (i * 7919) % 1009) end
table.sort(names, function (a, b) return a > b end)
print("sorted", numbers[1], numbers[#numbers], names[1], names[#names])

local function counter (step)
  local n = 0
  return function () n = n + step; return n end
end
local counters = {}
for i = 1, 50 do counters[i] = counter(i) end
local sum = 0
for _ = 1, 100 * size do
  for i = 1, #counters do sum = sum + counters[i]() end
end
print("closures", sum)

local function deep_error (depth, value)
  if depth == 0 then error(value) end
  return deep_error(depth - 1, value) + 1
end
local caught = 0
for i = 1, 200 * size do
  if not pcall(deep_error, i % 20, "boom " .. i) then caught = caught + 1 end
  if not pcall(function () return ("x"):rep(i % 50) .. nil end) then caught = caught + 1 end
  local ok, err = pcall(table.sort, { 3, 2, 1 }, function () error({ code = i }) end)
  if not ok and err.code == i then caught = caught + 1 end
  if not xpcall(string.rep, debug.traceback, "x", -1, {}) then caught = caught + 1 end
end
print("caught", caught)

local producer = coroutine.wrap(function ()
  for i = 1, 1000 * size do coroutine.yield(i * i) end
end)
local squares = 0
for _ = 1, 1000 * size do squares = squares + producer() end
print("coroutine", squares)

print("done")
error("the workload's last statement fails on purpose: lua exits with status 1")
