-- GET /row/{id} of the bare reference, a random one of its 10,000 rows each time.
request = function()
    return wrk.format(nil, "/row/" .. math.random(1, 10000))
end
