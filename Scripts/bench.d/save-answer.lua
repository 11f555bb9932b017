-- Durable answer saves spread over many students' attempts, as on exam day: each request PUTs the
-- next attempt's answer to a single-choice question with a rising seq, so that every save is
-- written (a stale seq is answered from a second read instead). ATTEMPTS names a file of
-- "TOKEN ATTEMPT_ID" lines; THREADS is wrk's -t (default 2); SEQ_BASE, where this run's seqs
-- start (above the last run's, when runs follow each other over the same attempts). Each thread
-- saves to its own share of the attempts: two threads' counters would otherwise race on the
-- same answers.
local attempts = {}
for line in io.lines(os.getenv("ATTEMPTS")) do
    local token, id = line:match("(%S+) (%S+)")
    attempts[#attempts + 1] = { token = token, id = id }
end
local questions = { "q1", "q2", "q3", "q8" }
local threads = tonumber(os.getenv("THREADS") or "2")
local created = 0

function setup(thread)
    thread:set("thread_index", created)
    created = created + 1
end

local n, seq = 0, tonumber(os.getenv("SEQ_BASE") or "0")

request = function()
    n = n + 1
    seq = seq + 1
    local slot = n * threads + thread_index
    local attempt = attempts[(slot % #attempts) + 1]
    local question = questions[(math.floor(slot / #attempts) % #questions) + 1]
    return wrk.format("PUT", "/api/v1/attempts/" .. attempt.id .. "/answers/" .. question,
        { ["Authorization"] = "Bearer " .. attempt.token, ["Content-Type"] = "application/json" },
        '{"response":{"option_id":"b"},"seq":' .. seq .. '}')
end
