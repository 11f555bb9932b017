-- wrk script: GET one of the space-separated paths in $QUERIES, at random, per request.
local paths = {}
for path in string.gmatch(os.getenv("QUERIES"), "%S+") do
    table.insert(paths, path)
end
request = function()
    return wrk.format("GET", paths[math.random(#paths)])
end
