/* gst-assemblyai
 * Copyright (C) 2026 gst-assemblyai contributors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
/* Settings of one v3 streaming session: what goes into the connection URL,
 * how it is validated, and which changes can be sent mid-stream as an
 * UpdateConfiguration message. Plain C++ over GLib/json-glib so it can be
 * unit-tested without a pipeline (see docs/protocol.md, Endpoint and query
 * parameters, and Client messages). */
#pragma once

#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace aai
{

enum class Encoding { PcmS16le, PcmMulaw };

/* Wire name of an encoding: "pcm_s16le" / "pcm_mulaw". */
const char *encoding_wire_name(Encoding e);
/* Bytes per sample of an encoding (2 for s16le, 1 for mu-law). */
int encoding_bytes_per_sample(Encoding e);

/* Every connection parameter the plugin knows (docs/protocol.md, Endpoint
 * and query parameters). std::nullopt = "unset": the parameter is not sent
 * and the service applies its (model-specific) default. sample_rate and
 * encoding are always sent. */
struct Settings {
  int sample_rate = 16000;
  Encoding encoding = Encoding::PcmS16le;

  std::optional<std::string> speech_model;
  std::optional<bool> format_turns;
  std::optional<double> end_of_turn_confidence_threshold; /* 0..1 */
  std::optional<int> min_turn_silence;                    /* ms, >= 0 */
  std::optional<int> max_turn_silence;                    /* ms, >= 0 */
  std::optional<double> vad_threshold;                    /* 0..1 */
  std::optional<std::vector<std::string>>
      keyterms_prompt; /* <= 100 x <= 50 chars */
  std::optional<bool> language_detection;
  std::optional<int> inactivity_timeout; /* s, 5..3600 */
  std::optional<bool> speaker_labels;
  std::optional<int> max_speakers; /* 1..10, needs speaker_labels */
  std::optional<std::string> prompt;
  std::optional<std::string> language; /* deprecated: "en" | "multi" */
  std::optional<bool> filter_profanity;
  std::optional<std::string> webhook_url;
  std::optional<std::string> webhook_auth_header_name;
  std::optional<std::string> webhook_auth_header_value; /* secret: redacted */

  /* Parameters the service adds later (element property extra-params):
   * name -> already-serialised value, appended to the query as given. A
   * name that collides with a parameter above is a validation error. */
  std::vector<std::pair<std::string, std::string>> extra_params;

  /* Not sent: the client's audio frame size, 50..1000 ms (docs/protocol.md,
   * Audio). */
  int chunk_duration_ms = 50;

  bool operator==(const Settings &o) const;
  bool operator!=(const Settings &o) const { return !(*this == o); }
};

/* Frames of chunk_duration_ms that are already waiting to be sent (a file
 * sent faster than real time, a replay) may go out together in one message
 * of at most this much audio: half the service's limit of 1000 ms, so that
 * its rounding of a message's duration never matters (docs/protocol.md,
 * Audio). */
constexpr int kMaxMergedAudioMs = 500;

/* Checks every range and combination. Returns an empty string when valid,
 * otherwise one sentence per problem (joined with "; ") that names the
 * property/parameter, the value and the allowed range. */
std::string validate(const Settings &s);

/* How the credential reaches the service. Only QueryToken ever puts a
 * secret into the URL. */
enum class AuthMode {
  RawHeader,   /* Authorization: <key or token>   (AssemblyAI direct) */
  Bearer,      /* Authorization: Bearer <token>   (KeyPool) */
  QueryToken,  /* ?token=<temporary token>        (AssemblyAI direct) */
  Subprotocol, /* Sec-WebSocket-Protocol: keypool-token.<token> */
};

/* Builds the WebSocket URL: @base (which may carry its own query, kept)
 * plus every set parameter of @s, via GLib's URI functions. Booleans are
 * lowercase, doubles the shortest locale-independent form ("0.7"), lists
 * one JSON-array parameter. @query_token is added as token=... only when
 * non-empty (AuthMode::QueryToken).
 *
 * Query order: the base's own parameters (minus any name we send
 * ourselves: the settings win, one copy per name), then speech_model,
 * sample_rate, encoding, format_turns, end_of_turn_confidence_threshold,
 * min_turn_silence, max_turn_silence, vad_threshold, keyterms_prompt,
 * language_detection, inactivity_timeout, speaker_labels, max_speakers,
 * prompt, language, filter_profanity, webhook_url,
 * webhook_auth_header_name, webhook_auth_header_value, extra_params (in
 * their order), token.
 *
 * Returns "" and sets @error (may be NULL) if @base is not an absolute
 * ws:// or wss:// URL with a valid host (not one that GLib decodes to '/',
 * ':', '@'..., as from "%2F" or an unescaped '@' in a password) and
 * without a fragment, if its query is malformed, or if validate(@s) fails
 * (then @error is that message). Error messages show @base only in
 * redacted form. */
std::string build_url(const std::string &base,
                      const Settings &s,
                      const std::string &query_token,
                      std::string *error);

/* Copy of @url safe to print: the values of token= and of
 * webhook_auth_header_value= (names matched case-insensitively, after
 * percent-decoding, with '&' or ';' as separators) are replaced by "***",
 * and any userinfo (user:password@) and #fragment are removed; a query
 * that does not parse is shown as "?***". Returns
 * "<invalid url>" for anything that does not parse as a URL with a valid
 * host (as for build_url), so a secret is never echoed back. */
std::string redact_url(const std::string &url);

/* Names (wire names) of the parameters that differ between @a and @b and
 * can NOT be changed mid-stream (they need a new session), in URL order.
 * Any difference in extra_params is reported as "extra_params";
 * chunk_duration_ms is not a wire parameter and never appears. */
std::vector<std::string> immutable_changes(const Settings &a,
                                           const Settings &b);

/* What a running session has after UpdateConfiguration from @running
 * toward @wanted: the mid-stream-changeable parameters of @wanted, every
 * other one (the immutable_changes() list, sample rate, encoding and
 * chunk_duration_ms) still that of @running. */
Settings applied_settings(const Settings &running, const Settings &wanted);

/* The UpdateConfiguration message (compact JSON, fields in the order
 * below) for the mid-stream-changeable
 * parameters (end_of_turn_confidence_threshold, min_turn_silence,
 * max_turn_silence, vad_threshold, keyterms_prompt, prompt, format_turns,
 * filter_profanity) that differ between @old_s and @new_s. Unsetting
 * keyterms_prompt sends [] (clears the list); unsetting another parameter
 * cannot be expressed on the wire and is left out. Returns std::nullopt
 * when nothing mutable changed. */
std::optional<std::string> update_configuration_message(const Settings &old_s,
                                                        const Settings &new_s);

}  // namespace aai
