-- Makes every request's URL unique (an ignored `n` parameter), so no response cache answers it.
local counter = 0
request = function()
  counter = counter + 1
  return wrk.format("GET", wrk.path .. "&n=" .. counter)
end
