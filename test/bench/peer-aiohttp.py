"""The Python peer: a streaming client shaped like vLLM's benchmark client
(benchmarks/backend_request_func.py, async_request_openai_chat_completions):
one aiohttp session, an asyncio task per request with a semaphore for the
concurrency, `async for` over the streamed lines, strip the "data: " prefix,
json.loads each event, time TTFT and the gaps between content events with
time.perf_counter(). Nothing else. Not a dependency of llmload; the macro
benchmarks (test/bench/run.ts) run it with Debian's python3-aiohttp
(/usr/bin/python3) as its own process next to llmload and the Node floor, and
skip it when aiohttp cannot be imported.

    /usr/bin/python3 test/bench/peer-aiohttp.py URL CONCURRENCY REQUESTS_PER_LOOP MAX_TOKENS

Prints one JSON line, the floor's fields (requests, failures, chunks, seconds,
TTFT and ITL p50/p99 in ms) plus its own CPU (user + system of every thread,
getrusage) and peak RSS, as the Node clients' cpu-report.js gives them.
"""

import asyncio
import json
import resource
import sys
import time

import aiohttp

URL = sys.argv[1] if len(sys.argv) > 1 else "http://127.0.0.1:8000"
CONCURRENCY = int(sys.argv[2]) if len(sys.argv) > 2 else 64
PER_LOOP = int(sys.argv[3]) if len(sys.argv) > 3 else 1
MAX_TOKENS = int(sys.argv[4]) if len(sys.argv) > 4 else 256

ttft = []
itl = []
state = {"chunks": 0, "failures": 0}


async def one(session, payload):
    st = time.perf_counter()
    most_recent = st
    first = 0.0
    async with session.post(f"{URL}/v1/chat/completions", json=payload, headers={"Content-Type": "application/json"}) as response:
        if response.status != 200:
            raise RuntimeError(f"HTTP {response.status}")
        async for chunk_bytes in response.content:
            chunk_bytes = chunk_bytes.strip()
            if not chunk_bytes:
                continue
            chunk = chunk_bytes.decode("utf-8").removeprefix("data: ")
            if chunk == "[DONE]":
                continue
            timestamp = time.perf_counter()
            data = json.loads(chunk)
            choices = data.get("choices")
            if not choices:
                continue
            content = choices[0]["delta"].get("content")
            if not content:
                continue
            state["chunks"] += 1
            if first == 0.0:
                first = timestamp - st
                ttft.append(first * 1000)
            else:
                itl.append((timestamp - most_recent) * 1000)
            most_recent = timestamp


async def limited(semaphore, session, payload):
    async with semaphore:
        try:
            await one(session, payload)
        except Exception:  # noqa: BLE001 (a failed request is counted, as the floor counts it)
            state["failures"] += 1


def pct(values, p):
    if not values:
        return None
    s = sorted(values)
    at = p / 100 * (len(s) - 1)
    lo = int(at)
    hi = min(lo + 1, len(s) - 1)
    return s[lo] + (s[hi] - s[lo]) * (at - lo)


async def main():
    payload = {
        "messages": [{"role": "user", "content": "count"}],
        "max_tokens": MAX_TOKENS,
        "ignore_eos": True,
        "stream": True,
        "stream_options": {"include_usage": True},
    }
    connector = aiohttp.TCPConnector(limit=CONCURRENCY)
    async with aiohttp.ClientSession(connector=connector, timeout=aiohttp.ClientTimeout(total=6 * 60 * 60)) as session:
        # Open the connections first, as the Node clients do, so that TTFT holds no connect.
        async def warm():
            async with session.get(f"{URL}/v1/models") as r:
                await r.read()

        await asyncio.gather(*(warm() for _ in range(CONCURRENCY)))
        semaphore = asyncio.Semaphore(CONCURRENCY)
        started = time.perf_counter()
        await asyncio.gather(*(asyncio.create_task(limited(semaphore, session, payload)) for _ in range(CONCURRENCY * PER_LOOP)))
        seconds = time.perf_counter() - started
    usage = resource.getrusage(resource.RUSAGE_SELF)
    out = {
        "requests": CONCURRENCY * PER_LOOP,
        "failures": state["failures"],
        "chunks": state["chunks"],
        "seconds": seconds,
        "ttftP50": pct(ttft, 50),
        "ttftP99": pct(ttft, 99),
        "itlP50": pct(itl, 50),
        "itlP99": pct(itl, 99),
        "userUs": usage.ru_utime * 1e6,
        "systemUs": usage.ru_stime * 1e6,
        "maxRssKb": usage.ru_maxrss,
    }
    sys.stdout.write(json.dumps(out) + "\n")


asyncio.run(main())
