/* gst-assemblyai
 * Copyright (C) 2026 gst-assemblyai contributors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
/* Close-code table (docs/protocol.md, Close codes: v3 codes, legacy SDK
 * codes, RFC 6455 codes the transport itself produces). The advice strings
 * end up in GStreamer error messages, so they name the element properties a
 * user can change. */
#include "close_codes.h"

#include <glib.h>

#include <cstring>

namespace aai
{

namespace
{

/* Case-insensitive substring test: the service is inconsistent about case
 * ("Unauthorized Connection" vs "Unauthorized connection"). */
bool contains_ci(const std::string &haystack, const char *needle)
{
  gchar *h = g_ascii_strdown(haystack.c_str(), -1);
  gchar *n = g_ascii_strdown(needle, -1);
  const bool found = strstr(h, n) != nullptr;
  g_free(h);
  g_free(n);
  return found;
}

const char *const kReportBug =
    "This is a bug in the client, not a network problem: do not retry "
    "unchanged; report it to the gst-assemblyai developers with the close "
    "reason and a debug log.";

const char *const kChunkAdvice =
    "Send audio in chunks of 50 to 1000 ms each (the chunk-duration "
    "property; about 50 ms is recommended).";

const char *const kPacingAdvice =
    "Send audio no faster than real time: keep sync=true on the sink or use "
    "a live source instead of pushing a file as fast as it can be read.";

const char *const kAuthAdvice =
    "Check the API key (the api-key property or the ASSEMBLYAI_API_KEY "
    "environment variable) or the temporary token, and the account's "
    "balance and status in the AssemblyAI dashboard. Retrying will not help "
    "until that is fixed.";

const char *const kBackoffAdvice =
    "Too many sessions were started: wait (back off for a few seconds, "
    "longer on each attempt) before starting a new session, close sessions "
    "you no longer need, or ask AssemblyAI to raise the account's limit.";

const char *const kNewSession =
    "Start a new session; if this keeps happening, contact AssemblyAI "
    "support with the session id.";

CloseInfo make(int code, CloseClass k, const char *meaning, const char *advice)
{
  CloseInfo ci;
  ci.code = code;
  ci.klass = k;
  ci.meaning = meaning;
  ci.advice = advice;
  return ci;
}

}  // namespace

CloseInfo classify_close(int code, const std::string &reason)
{
  using K = CloseClass;
  switch (code) {
    /* RFC 6455 codes */
    case 1000:
      return make(code, K::Normal, "the session ended normally",
                  "Nothing to do.");
    case 1001:
      return make(code, K::Retryable,
                  "the server is going away (restart or redeploy)",
                  "Start a new session.");
    case 1002:
      return make(code, K::ClientBug, "a WebSocket protocol error occurred",
                  kReportBug);
    case 1003:
      return make(code, K::ClientBug,
                  "the server received a kind of data it does not accept",
                  kReportBug);
    case 1006:
      return make(code, K::Retryable,
                  "the connection dropped without a close frame (network "
                  "failure, proxy timeout or server crash)",
                  "Check the network connection and any proxy, then start a "
                  "new session.");
    case 1007:
      return make(code, K::ClientBug,
                  "a message had an invalid payload (e.g. text that is not "
                  "UTF-8)",
                  kReportBug);
    case 1009:
      return make(code, K::ClientBug, "a message was too big", kChunkAdvice);
    case 1011:
      return make(code, K::Retryable, "the server hit an internal error",
                  kNewSession);
    case 1012:
      return make(code, K::Retryable, "the service is restarting",
                  "Start a new session in a few seconds.");
    case 1013:
      return make(code, K::Retryable,
                  "the server is temporarily unable to serve the session "
                  "(try again later)",
                  "Wait a few seconds, then start a new session.");

    /* v3 */
    case 1008:
      if (contains_ci(reason, "too many concurrent sessions"))
        return make(code, K::RateLimit,
                    "the account's limit on new sessions per minute was "
                    "exceeded",
                    kBackoffAdvice);
      return make(code, K::Auth,
                  "the connection was not authorized: the API key or token "
                  "is missing, invalid or expired, or the account has a "
                  "problem (e.g. insufficient balance or a disabled account)",
                  kAuthAdvice);
    case 3005:
      return make(code, K::Retryable,
                  "the server cancelled the session after an internal error",
                  kNewSession);
    case 3006:
      return make(code, K::ClientBug,
                  "the server rejected a message from the client (invalid "
                  "JSON, message type or message)",
                  kReportBug);
    case 3007:
      if (contains_ci(reason, "transmission rate") ||
          contains_ci(reason, "too much audio"))
        return make(code, K::ClientBug,
                    "audio was sent faster than real time (too much audio "
                    "buffered on the server)",
                    kPacingAdvice);
      if (contains_ci(reason, "duration violation"))
        return make(code, K::ClientBug,
                    "an audio chunk was shorter than 50 ms or longer than "
                    "1000 ms",
                    kChunkAdvice);
      return make(code, K::ClientBug,
                  "the server rejected the audio (chunk size or sending "
                  "rate)",
                  "Send audio in chunks of 50 to 1000 ms (the chunk-duration "
                  "property) and no faster than real time (keep sync=true "
                  "on the sink or use a live source).");
    case 3008:
      return make(code, K::Retryable,
                  "the session reached its maximum duration (3 hours, or the "
                  "temporary token's limit)",
                  "Start a new session (with a fresh temporary token if you "
                  "use tokens).");
    case 3009:
      return make(code, K::RateLimit,
                  "the account has too many concurrent sessions or started "
                  "too many sessions per minute",
                  kBackoffAdvice);
    case 410:
      return make(code, K::ClientBug,
                  "the endpoint is deprecated (the v2 real-time API is "
                  "retired)",
                  "Use the v3 URL wss://streaming.assemblyai.com/v3/ws (the "
                  "url property).");

    /* Legacy SDK codes; the v3 docs do not list them, but a proxy or
     * an older server may still send them. */
    case 4000:
      return make(code, K::ClientBug, "the sample rate was rejected",
                  "Use a positive integer sample rate the service supports "
                  "(e.g. 16000 Hz).");
    case 4001:
      return make(code, K::Auth, "the connection was not authorized",
                  kAuthAdvice);
    case 4002:
      return make(code, K::Auth, "the account has insufficient funds",
                  "Add funds to the AssemblyAI account. Retrying will not "
                  "help until that is done.");
    case 4003:
      return make(code, K::Auth,
                  "the feature is not available to free-tier accounts",
                  "Upgrade the AssemblyAI account or use another API key.");
    case 4004:
      return make(code, K::Retryable, "the session was not found",
                  "Start a new session.");
    case 4008:
      return make(code, K::Retryable, "the session expired",
                  "Start a new session (with a fresh temporary token if you "
                  "use tokens).");
    case 4010:
      return make(code, K::Retryable, "the session was already closed",
                  "Start a new session.");
    case 4029:
      return make(code, K::RateLimit,
                  "the client was rate limited (too many requests or audio "
                  "sent too fast)",
                  "Back off before retrying, and send audio no faster than "
                  "real time (keep sync=true on the sink).");
    case 4030:
      return make(code, K::Retryable,
                  "the session is being handled by another WebSocket",
                  "Start a new session, and use each session from only one "
                  "connection.");
    case 4031:
      return make(code, K::Retryable, "the session was idle for too long",
                  "Start a new session, and keep sending audio (or raise the "
                  "inactivity-timeout property).");
    case 4032:
      return make(code, K::ClientBug, "an audio chunk was too short",
                  kChunkAdvice);
    case 4033:
      return make(code, K::ClientBug, "an audio chunk was too long",
                  kChunkAdvice);
    case 4034:
      return make(code, K::ClientBug,
                  "an audio chunk was too small to transcode", kChunkAdvice);
    case 4100:
      return make(code, K::ClientBug, "the server received invalid JSON",
                  kReportBug);
    case 4101:
      return make(code, K::ClientBug,
                  "a message did not match the expected schema", kReportBug);
    case 4102:
      return make(code, K::RateLimit, "the account has too many streams",
                  kBackoffAdvice);
    case 4103:
      return make(code, K::Retryable,
                  "the session was taken over by a reconnection",
                  "Start a new session.");
    default:
      break;
  }
  return make(code, K::Retryable,
              "the server closed the connection with an undocumented code",
              kNewSession);
}

std::string describe_close(int code, const std::string &reason)
{
  const CloseInfo ci = classify_close(code, reason);
  std::string out = "closed with code " + std::to_string(code);
  if (!reason.empty())
    out += " (" + reason + ")";
  out += ": " + ci.meaning + ". " + ci.advice;
  return out;
}

const char *close_class_name(CloseClass k)
{
  switch (k) {
    case CloseClass::Normal:
      return "normal";
    case CloseClass::Auth:
      return "auth";
    case CloseClass::ClientBug:
      return "client-bug";
    case CloseClass::Retryable:
      return "retryable";
    case CloseClass::RateLimit:
      return "rate-limit";
  }
  return "unknown";
}

}  // namespace aai
