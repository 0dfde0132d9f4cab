// gst-assemblyai — SPDX-License-Identifier: LGPL-2.1-or-later
//
// The official JavaScript SDK's side of the benchmark (bench/README.md): N
// StreamingTranscribers in one Node process, fed exactly as
// aai-bench-plugin feeds the plugin, reporting the same JSON fields.
//
//   node sdk_client.mjs --sdk-dir tests/sdk --url wss://... --api-key K
//     --audio loop.wav --mode live|file|connect --streams N
//     [--warmup S] [--window S] [--begin-timeout S] [--turn-log FILE]
//     [--stagger S] [--no-deflate]
//
// - live: one timer loop gives every stream a 50 ms frame every 50 ms, the
//   streams spread over the period on whole milliseconds (Node's timer
//   granularity); CPU, frames and turns are counted over a window that
//   opens --warmup after the last Begin.
// - file: every stream sends the whole file at once, as a client reading a
//   file does with this SDK (it has no flow control), then close(), which
//   waits for Termination; CPU until every close() returned.
// - connect: connect() for every stream at once, CPU until all resolved.
// --stagger S (live): stream i connects i/N of S seconds after the first,
// so that the streams' turns do not all end at the same moment.
// --no-deflate: the SDK's socket does not offer permessage-deflate (module
// hooks, sdk-no-deflate-hooks.mjs), so its wire equals the plugin's.
//
// Times are process.hrtime (CLOCK_MONOTONIC, the relay's clock); CPU is
// process.cpuUsage() (getrusage).
import { readFileSync } from "node:fs";
import { register } from "node:module";
import { parseArgs } from "node:util";
import { writeFileSync } from "node:fs";
import { pathToFileURL } from "node:url";
import path from "node:path";

const RATE = 16000;
const FRAME_MS = 50;
const FRAME_BYTES = RATE * 2 * FRAME_MS / 1000;

const { values: opt } = parseArgs({
  options: {
    "sdk-dir": { type: "string" },
    url: { type: "string", multiple: true },
    "api-key": { type: "string" },
    audio: { type: "string" },
    mode: { type: "string", default: "live" },
    streams: { type: "string", default: "1" },
    warmup: { type: "string", default: "10" },
    window: { type: "string", default: "20" },
    "begin-timeout": { type: "string", default: "60" },
    "turn-log": { type: "string" },
    stagger: { type: "string", default: "0" },
    "no-deflate": { type: "boolean", default: false },
  },
});
if (!opt["sdk-dir"] || !opt.url || !opt["api-key"] || !opt.audio) {
  process.stderr.write("need --sdk-dir, --url, --api-key, --audio\n");
  process.exit(2);
}
const sdkEntry = pathToFileURL(path.resolve(opt["sdk-dir"],
  "node_modules/assemblyai/dist/node.mjs")).href;
if (opt["no-deflate"]) {
  const here = path.dirname(new URL(import.meta.url).pathname);
  register(pathToFileURL(path.join(here, "sdk-no-deflate-hooks.mjs")).href, {
    data: {
      sdkParent: sdkEntry,
      wrapper: pathToFileURL(path.join(here, "sdk-no-deflate-ws.mjs")).href,
    },
  });
}
const { AssemblyAI } = await import(sdkEntry);

const n = Number(opt.streams);
const mode = opt.mode;
const nowUs = () => Number(process.hrtime.bigint() / 1000n);
const cpuSeconds = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
};
function procStatus(field) {
  const m = readFileSync("/proc/self/status", "utf8")
    .match(new RegExp(`^${field}:\\s*(\\d+)`, "m"));
  return m ? Number(m[1]) : -1;
}

// The data chunk of a 16 kHz mono S16LE WAV, cut to whole 50 ms frames,
// each frame its own ArrayBuffer (sendAudio takes ArrayBuffers).
function loadFrames(file) {
  const buf = readFileSync(file);
  let off = 12;
  let data = null;
  while (off + 8 <= buf.length) {
    const id = buf.toString("ascii", off, off + 4);
    const size = buf.readUInt32LE(off + 4);
    if (id === "data") data = buf.subarray(off + 8, off + 8 + size);
    off += 8 + size + (size & 1);
  }
  const frames = [];
  for (let o = 0; o + FRAME_BYTES <= data.length; o += FRAME_BYTES) {
    frames.push(data.buffer.slice(data.byteOffset + o,
                                  data.byteOffset + o + FRAME_BYTES));
  }
  return frames;
}

const frames = loadFrames(opt.audio);
const urls = opt.url;
const client = new AssemblyAI({ apiKey: opt["api-key"] });
let windowStart = Infinity;
let windowEnd = Infinity;
let began = 0;
let errorsPrinted = 0;

const streams = [];
for (let i = 0; i < n; i++) {
  const s = {
    index: i, origin: 0, nextFrame: 0, firstFrame: -1, beginUs: 0,
    startUs: 0, sessionId: "",
    turns: 0, finals: 0, errors: 0, lags: [], seen: [], closed: false,
  };
  s.t = client.streaming.transcriber({
    websocketBaseUrl: urls[i % urls.length],
    sampleRate: RATE,
    encoding: "pcm_s16le",
    speechModel: "universal-streaming-english",
    connectTimeout: Number(opt["begin-timeout"]) * 1000,
  });
  s.t.on("open", (b) => {
    s.sessionId = b.id;
    if (!s.beginUs) {
      s.beginUs = nowUs();
      began++;
    }
  });
  s.t.on("turn", (turn) => {
    const at = nowUs();
    s.turns++;
    if (turn.end_of_turn && !turn.turn_is_formatted) {
      s.finals++;
      const words = turn.words || [];
      if (mode === "live" && words.length && at >= windowStart && at < windowEnd) {
        s.lags.push(at - (s.origin + words[words.length - 1].end * 1000));
      }
    }
    if (opt["turn-log"]) {
      s.seen.push([s.sessionId, turn.turn_order, turn.end_of_turn ? 1 : 0,
        turn.turn_is_formatted ? 1 : 0, at * 1000, turn.transcript || ""]);
    }
  });
  s.t.on("error", (e) => {
    s.errors++;
    if (errorsPrinted++ < 5) {
      process.stderr.write(`stream ${i} error: ${e?.message ?? e}\n`);
    }
  });
  s.t.on("close", () => { s.closed = true; });
  streams.push(s);
}

const rssIdle = procStatus("VmRSS");
const sleep = (ms) => new Promise((r) => setTimeout(r, Math.max(0, ms)));
async function waitFor(cond, deadlineUs) {
  while (!cond()) {
    if (nowUs() >= deadlineUs) return false;
    await sleep(10);
  }
  return true;
}
function percentile(values, p) {
  if (!values.length) return -1;
  const v = [...values].sort((a, b) => a - b);
  return v[Math.min(v.length - 1, Math.round(p * (v.length - 1)))] / 1000;
}

const out = { client: opt["no-deflate"] ? "sdk-same-wire" : "sdk",
  mode, streams: n, rss_idle_kib: rssIdle };
const cpu0 = cpuSeconds();
const t0 = nowUs();
const beginDeadline = t0 + Number(opt["begin-timeout"]) * 1e6;
const stagger = mode === "live" ? Number(opt.stagger) : 0;
const connectOne = (s) => {
  s.startUs = nowUs();
  return s.t.connect().catch((e) => {
    s.errors++;
    if (errorsPrinted++ < 5) {
      process.stderr.write(`stream ${s.index} connect: ${e?.message ?? e}\n`);
    }
  });
};
// Live with --stagger: stream i connects i/N of it after the first.
const connecting = streams.map((s, i) => (stagger > 0
  ? new Promise((r) => setTimeout(() => connectOne(s).then(r),
                                  stagger * 1000 * i / n))
  : connectOne(s)));

if (mode === "connect") {
  const all = await waitFor(() => began >= n, beginDeadline);
  const cpu1 = cpuSeconds();
  Object.assign(out, {
    began, all_began_s: all ? (nowUs() - t0) / 1e6 : -1,
    cpu_connect_s: cpu1 - cpu0, cpu_per_connect_ms: (cpu1 - cpu0) * 1000 / n,
  });
} else if (mode === "file") {
  await Promise.all(connecting);
  await Promise.all(streams.map(async (s) => {
    if (!s.beginUs) return;
    for (const f of frames) s.t.sendAudio(f);
    s.nextFrame = frames.length;
    await s.t.close(true);
  }));
  const cpu1 = cpuSeconds();
  const audioS = n * frames.length * FRAME_MS / 1000;
  Object.assign(out, {
    ended: streams.filter((s) => s.beginUs).length,
    wall_s: (nowUs() - t0) / 1e6, audio_s: audioS, cpu_s: cpu1 - cpu0,
    cpu_s_per_audio_hour: (cpu1 - cpu0) * 3600 / audioS,
    finals: streams.reduce((a, s) => a + s.finals, 0),
    errors: streams.reduce((a, s) => a + s.errors, 0),
    rss_kib: procStatus("VmHWM"),
  });
} else {
  // Live: the same schedule as aai-bench-plugin's feeder. Audio sent
  // before Begin is the SDK's to drop (it sends only on an open socket),
  // so the window starts well after every Begin.
  const phase = streams.map((s, i) => Math.floor(i * FRAME_MS / n));
  let maxLate = 0;
  let tick = 0;
  let i = 0;
  // Every group of streams due by now goes out, then the timer waits for
  // the next group (catching up at once when late).
  const step = () => {
    for (;;) {
      const base = t0 + tick * FRAME_MS * 1000;
      const due = base + phase[i] * 1000;
      const now = nowUs();
      if (due > now + 500) {
        setTimeout(step, Math.max(0, Math.round((due - now) / 1000)));
        return;
      }
      const late = now - due;
      if (late > maxLate && due >= windowStart && due < windowEnd) maxLate = late;
      for (; i < n && phase[i] * 1000 + base === due; i++) {
        const s = streams[i];
        const k = s.nextFrame++;
        if (s.beginUs && !s.closed) {
          if (s.firstFrame < 0) {
            // The session's audio starts here: its ms x was captured at
            // origin + x (a frame goes out when its 50 ms were captured).
            s.firstFrame = k;
            s.origin = t0 + (phase[i] + (k - 1) * FRAME_MS) * 1000;
          }
          s.t.sendAudio(frames[k % frames.length]);
        }
      }
      if (i >= n) {
        i = 0;
        tick++;
      }
    }
  };
  setTimeout(step, 0);
  const all = await waitFor(() => began >= n, beginDeadline + stagger * 1e6);
  const allBegan = nowUs();
  const connect = streams.filter((s) => s.beginUs)
    .map((s) => s.beginUs - s.startUs);
  Object.assign(out, { began, all_began_s: all ? (allBegan - t0) / 1e6 : -1,
    connect_p50_s: percentile(connect, 0.5) / 1000,
    connect_max_s: percentile(connect, 1) / 1000,
    cpu_until_began_s: cpuSeconds() - cpu0 });
  windowStart = allBegan + Number(opt.warmup) * 1e6;
  windowEnd = windowStart + Number(opt.window) * 1e6;
  await sleep((windowStart - nowUs()) / 1000);
  const cpuA = cpuSeconds();
  const framesA = streams.reduce((a, s) => a + (s.beginUs ? s.nextFrame : 0), 0);
  const finalsA = streams.reduce((a, s) => a + s.finals, 0);
  await sleep((windowEnd - nowUs()) / 1000);
  const cpuB = cpuSeconds();
  const framesB = streams.reduce((a, s) => a + (s.beginUs ? s.nextFrame : 0), 0);
  const audioS = (framesB - framesA) * FRAME_MS / 1000;
  const lags = streams.flatMap((s) => s.lags);
  Object.assign(out, {
    window_s: Number(opt.window), audio_s: audioS,
    realtime_ratio: audioS / (n * Number(opt.window)),
    cpu_s: cpuB - cpuA,
    cpu_s_per_audio_hour: audioS > 0 ? (cpuB - cpuA) * 3600 / audioS : -1,
    rss_kib: procStatus("VmRSS"), threads: procStatus("Threads"),
    finals: streams.reduce((a, s) => a + s.finals, 0) - finalsA,
    streams_without_final: streams.filter((s) => !s.lags.length).length,
    turn_lag_p50_ms: percentile(lags, 0.5),
    turn_lag_p99_ms: percentile(lags, 0.99),
    turn_lag_max_ms: percentile(lags, 1),
    errors: streams.reduce((a, s) => a + s.errors, 0),
    feeder_max_late_ms: maxLate / 1000,
  });
}
// What the first socket negotiated (permessage-deflate or nothing).
out.extensions = streams[0].t.socket?.extensions ?? null;
process.stdout.write(JSON.stringify(out) + "\n");
if (opt["turn-log"]) {
  writeFileSync(opt["turn-log"], streams.flatMap((s) => s.seen)
    .map((r) => r.join("\t")).join("\n") + "\n");
}
process.exit(0);
