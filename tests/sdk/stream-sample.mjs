// gst-assemblyai — SPDX-License-Identifier: LGPL-2.1-or-later
//
// Streams one WAV file through the official AssemblyAI JavaScript SDK and
// prints what the SDK delivered as ONE JSON line on stdout:
//   {"begin": {...}, "turns": [...], "warnings": [...], "other_types": [...],
//    "termination": {...}, "closed": true, "close_event": null, "error": null}
// Exit status 0 only if the session opened, the SDK reported no error and the
// server's Termination arrived. run-sdk-test.py checks the contents.
//
// Usage: node stream-sample.mjs --url wss://127.0.0.1:PORT/v3/ws
//          --api-key KEY --wav FILE [--speech-model M] [--format-turns]
// The server's self-signed certificate must be trusted through
// NODE_EXTRA_CA_CERTS: the SDK accepts only wss:// URLs.
//
// What was verified in the SDK source (assemblyai 4.41.5, dist/index.mjs,
// class StreamingTranscriber):
// - connect() resolves on the "Begin" frame; the 'open' listener receives the
//   Begin object itself ({type, id, expires_at}).
// - 'turn' receives each Turn frame object unchanged.
// - A frame with an "error" key goes to the 'error' listener.
// - "Warning" goes to console.warn and the 'warning' listener; a type the SDK
//   does not know matches no case of its switch and is dropped silently.
// - "Termination" is not surfaced as an event: it only resolves the promise
//   that close() waits on. close() ALSO resolves when the socket closes, or
//   when terminationTimeout expires. So close() returning is no proof that
//   Termination came. To prove it, this script adds a passive 'message'
//   listener to the SDK's underlying `ws` socket (transcriber.socket). It only
//   records frame types and does not change what the SDK does; it also
//   lists the frame types the SDK has no event for ("other_types"), to show
//   that they reached the SDK and changed nothing.
// - close() removes all listeners and closes the socket itself, so the
//   'close' listener fires only if the server closed before Termination.

import { readFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { AssemblyAI } from "assemblyai";

const CHUNK_MS = 50;
// The frame types the SDK's message switch handles (see the header).
const KNOWN_TYPES = new Set(["Begin", "Turn", "SpeechStarted", "Warning",
  "Error", "Termination", "LLMGatewayResponse", "SpeakerRevision",
  "Heartbeat", "Silence"]);

function die(msg) {
  process.stderr.write(`stream-sample: ${msg}\n`);
  process.exit(2);
}

// Parse the RIFF chunks instead of assuming a 44-byte header, so files with
// LIST/fact chunks or an odd-sized chunk still work.
function readWav(path) {
  const buf = readFileSync(path);
  if (buf.length < 12 || buf.toString("ascii", 0, 4) !== "RIFF" ||
      buf.toString("ascii", 8, 12) !== "WAVE") {
    throw new Error(`${path}: not a RIFF/WAVE file`);
  }
  let fmt = null;
  let data = null;
  for (let off = 12; off + 8 <= buf.length;) {
    const id = buf.toString("ascii", off, off + 4);
    const size = buf.readUInt32LE(off + 4);
    const body = off + 8;
    if (id === "fmt ") {
      fmt = {
        format: buf.readUInt16LE(body),
        channels: buf.readUInt16LE(body + 2),
        sampleRate: buf.readUInt32LE(body + 4),
        bits: buf.readUInt16LE(body + 14),
      };
    } else if (id === "data") {
      data = buf.subarray(body, Math.min(body + size, buf.length));
    }
    off = body + size + (size & 1); // chunks are padded to even sizes
  }
  if (!fmt || !data) throw new Error(`${path}: missing fmt or data chunk`);
  if (fmt.format !== 1 || fmt.channels !== 1 || fmt.bits !== 16) {
    throw new Error(`${path}: need mono 16-bit PCM, got format ${fmt.format}, ` +
                    `${fmt.channels} ch, ${fmt.bits} bit`);
  }
  return { sampleRate: fmt.sampleRate, pcm: data };
}

async function main() {
  const { values: opt } = parseArgs({
    options: {
      url: { type: "string" },
      "api-key": { type: "string" },
      wav: { type: "string" },
      "speech-model": { type: "string" },
      "format-turns": { type: "boolean", default: false },
    },
  });
  if (!opt.url || !opt["api-key"] || !opt.wav) {
    die("usage: --url URL --api-key KEY --wav FILE [--speech-model M] [--format-turns]");
  }

  const { sampleRate, pcm } = readWav(opt.wav);
  const result = { begin: null, turns: [], warnings: [], other_types: [],
                   termination: null, closed: false, close_event: null,
                   error: null };
  const errors = [];

  const params = {
    websocketBaseUrl: opt.url,
    sampleRate,
    encoding: "pcm_s16le",
    formatTurns: opt["format-turns"],
    // The 1000 ms default covers socket open + TLS + Begin. A loaded CI box
    // running the emulator under a sanitizer can be slower than that.
    connectTimeout: 10000,
  };
  if (opt["speech-model"]) params.speechModel = opt["speech-model"];
  const transcriber = new AssemblyAI({ apiKey: opt["api-key"] })
    .streaming.transcriber(params);

  transcriber.on("open", (begin) => { result.begin = begin; });
  transcriber.on("turn", (turn) => { result.turns.push(turn); });
  transcriber.on("warning", (w) => { result.warnings.push(w); });
  transcriber.on("error", (err) => { errors.push(String(err?.message ?? err)); });
  transcriber.on("close", (code, reason) => { result.close_event = { code, reason }; });

  await transcriber.connect();

  // Passive observer, see the header comment. The SDK uses the `ws` package
  // in Node, whose sockets support addEventListener.
  transcriber.socket.addEventListener("message", ({ data }) => {
    try {
      const msg = JSON.parse(data.toString());
      if (msg.type === "Termination") result.termination = msg;
      else if (!KNOWN_TYPES.has(msg.type)) result.other_types.push(msg.type);
    } catch {
      // The SDK itself reports unparsable frames; nothing to add here.
    }
  });

  // Send as fast as possible, as a client reading a file would: the service
  // (and the emulator by default) throttles processing to about 1.25x real
  // time and close() waits for the Termination that follows the drain.
  // The service rejects messages outside 50..1000 ms of audio (close 3007),
  // so a short remainder is sent with the chunk before it.
  const chunkBytes = (sampleRate * CHUNK_MS / 1000) * 2;
  for (let off = 0; off < pcm.length; off += chunkBytes) {
    let end = Math.min(off + chunkBytes, pcm.length);
    if (pcm.length - end < chunkBytes) end = pcm.length;
    const chunk = pcm.subarray(off, end);
    if (end === pcm.length) off = end;
    // Copy into an ArrayBuffer of exactly this chunk: a Buffer's .buffer may
    // be a larger shared pool.
    transcriber.sendAudio(chunk.buffer.slice(chunk.byteOffset,
                                             chunk.byteOffset + chunk.length));
  }

  // Sends {"type":"Terminate"}; waits for Termination (or the socket closing,
  // or 40 s) and then closes the socket.
  await transcriber.close(true, 40000);
  result.closed = true;

  if (!result.begin?.id) errors.push("no Begin with an id");
  if (!result.termination) {
    errors.push(result.close_event
      ? `server closed (${result.close_event.code} ${result.close_event.reason}) without Termination`
      : "no Termination frame within 40 s");
  }
  result.error = errors.length ? errors.join("; ") : null;
  process.stdout.write(JSON.stringify(result) + "\n");
  return result.error ? 1 : 0;
}

main().then((code) => process.exit(code), (err) => {
  // connect() failures land here (bad URL, TLS, auth error before Begin...).
  process.stdout.write(JSON.stringify({ begin: null, turns: [], warnings: [],
    other_types: [], termination: null, closed: false, close_event: null,
    error: String(err?.message ?? err) }) + "\n");
  process.stderr.write(`stream-sample: ${err?.stack ?? err}\n`);
  process.exit(1);
});
