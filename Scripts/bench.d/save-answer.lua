-- Durable answer saves spread over many students' attempts, as on exam day: each request PUTs the
-- next attempt's answer to a single-choice question with a rising seq. ATTEMPTS names a file of
-- "TOKEN ATTEMPT_ID" lines.
local attempts = {}
for line in io.lines(os.getenv("ATTEMPTS")) do
    local token, id = line:match("(%S+) (%S+)")
    attempts[#attempts + 1] = { token = token, id = id }
end
local questions = { "q1", "q2", "q3", "q8" }
local n, seq = 0, 0

request = function()
    n = n + 1
    seq = seq + 1
    local attempt = attempts[(n % #attempts) + 1]
    local question = questions[(math.floor(n / #attempts) % #questions) + 1]
    return wrk.format("PUT", "/api/v1/attempts/" .. attempt.id .. "/answers/" .. question,
        { ["Authorization"] = "Bearer " .. attempt.token, ["Content-Type"] = "application/json" },
        '{"response":{"option_id":"b"},"seq":' .. seq .. '}')
end
