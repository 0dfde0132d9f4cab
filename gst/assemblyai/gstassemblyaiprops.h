/* gst-assemblyai
 * Copyright (C) 2026 gst-assemblyai contributors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
/* The one place that defines the properties assemblyaisink and
 * assemblyaitranscriber share (both listed in README.md), their defaults
 * and how they map onto aai::Settings. */
#pragma once

#include <optional>
#include <string>
#include <vector>

#include <gst/gst.h>

#include "core/config.h"
#include "core/language.h"

G_BEGIN_DECLS

enum {
  PROP_SHARED_0,
  PROP_URL,
  PROP_API_KEY,
  PROP_TOKEN,
  PROP_CONNECT_TIMEOUT,
  PROP_SPEECH_MODEL,
  PROP_LANGUAGE_CODE,
  PROP_FORMAT_TURNS,
  PROP_LANGUAGE_DETECTION,
  PROP_KEYTERMS,
  PROP_PROMPT,
  PROP_END_OF_TURN_CONFIDENCE_THRESHOLD,
  PROP_MIN_TURN_SILENCE,
  PROP_MAX_TURN_SILENCE,
  PROP_VAD_THRESHOLD,
  PROP_INACTIVITY_TIMEOUT,
  PROP_SPEAKER_LABELS,
  PROP_MAX_SPEAKERS,
  PROP_FILTER_PROFANITY,
  PROP_EXTRA_PARAMS,
  PROP_CHUNK_DURATION,
  PROP_TERMINATE_TIMEOUT,
  PROP_POST_MESSAGES,
  PROP_POST_PARTIALS,
  PROP_TOKEN_URL,
  PROP_AUTH_SCHEME,
  PROP_MAX_SESSION_DURATION,
  PROP_PROXY,
  PROP_TLS_CA_FILE,
  PROP_TLS_STRICT,
  PROP_SEND_TIMEOUT,
  PROP_RECONNECT_ATTEMPTS,
  PROP_RECONNECT_MAX_BACKOFF,
  PROP_REPLAY_BUFFER,
  PROP_SESSION_ID,
  PROP_AUDIO_SENT,
  PROP_RECONNECTS,
  PROP_SHARED_LAST /* element-specific properties start here */
};

G_END_DECLS

#define ASSEMBLYAI_DEFAULT_URL "wss://streaming.assemblyai.com/v3/ws"
#define ASSEMBLYAI_DEFAULT_LANGUAGE_CODE "en"
#define ASSEMBLYAI_DEFAULT_CONNECT_TIMEOUT 10000u
#define ASSEMBLYAI_DEFAULT_CHUNK_DURATION 50u
#define ASSEMBLYAI_DEFAULT_TERMINATE_TIMEOUT 5000u
#define ASSEMBLYAI_API_KEY_ENV "ASSEMBLYAI_API_KEY"
#define ASSEMBLYAI_DEFAULT_SEND_TIMEOUT 10000u
#define ASSEMBLYAI_DEFAULT_RECONNECT_ATTEMPTS 10
#define ASSEMBLYAI_DEFAULT_RECONNECT_MAX_BACKOFF 30000u
#define ASSEMBLYAI_DEFAULT_REPLAY_BUFFER 60000u
/* Lifetime of a minted token before it opens its session (1..600 s). */
#define ASSEMBLYAI_TOKEN_EXPIRES_IN 60

/* The auth-scheme enum (GstAssemblyAIAuthScheme). */
GType gst_assemblyai_auth_scheme_get_type(void);
#define GST_TYPE_ASSEMBLYAI_AUTH_SCHEME (gst_assemblyai_auth_scheme_get_type())

namespace aai
{

/* Property flags both elements use. */
constexpr GParamFlags kRW = static_cast<GParamFlags>(
    G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | GST_PARAM_MUTABLE_READY);
/* Settable in PLAYING (session parameters the service can change mid-stream
 * go out as UpdateConfiguration). */
constexpr GParamFlags kRWLive = static_cast<GParamFlags>(
    G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | GST_PARAM_MUTABLE_PLAYING);
/* Secrets: write-only, so gst-inspect, deep-notify (gst-launch -v) and
 * debug dumps can never show them. */
constexpr GParamFlags kSecret = static_cast<GParamFlags>(
    G_PARAM_WRITABLE | G_PARAM_STATIC_STRINGS | GST_PARAM_MUTABLE_READY);
constexpr GParamFlags kRO =
    static_cast<GParamFlags>(G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);

/* Everything the shared properties configure. Guarded by the owner's lock. */
struct SharedProps {
  std::string url = ASSEMBLYAI_DEFAULT_URL;
  std::string api_key; /* write-only; never logged */
  std::string token;   /* write-only; never logged */
  unsigned connect_timeout_ms = ASSEMBLYAI_DEFAULT_CONNECT_TIMEOUT;
  unsigned terminate_timeout_ms = ASSEMBLYAI_DEFAULT_TERMINATE_TIMEOUT;
  bool post_messages = true;
  bool post_partials = true;
  std::string token_url; /* mint a temporary token before each session */
  /* How the key reaches the service (RawHeader, Bearer or Subprotocol). */
  AuthMode auth_scheme = AuthMode::RawHeader;
  unsigned max_session_duration_s = 0; /* for minted tokens; 0 = not sent */
  std::string proxy;                   /* "" = the environment's settings */
  std::string tls_ca_file;
  bool tls_strict = true;
  unsigned send_timeout_ms = ASSEMBLYAI_DEFAULT_SEND_TIMEOUT;
  int reconnect_attempts = ASSEMBLYAI_DEFAULT_RECONNECT_ATTEMPTS;
  unsigned reconnect_max_backoff_ms = ASSEMBLYAI_DEFAULT_RECONNECT_MAX_BACKOFF;
  unsigned replay_ms = ASSEMBLYAI_DEFAULT_REPLAY_BUFFER;
  /* The language to transcribe: chooses the model when speech_model is
   * not set (core/language.h). */
  std::string language_code = ASSEMBLYAI_DEFAULT_LANGUAGE_CODE;
  Settings settings; /* session parameters; speech_model unset = chosen */

  /* The API key to use: the property, else $ASSEMBLYAI_API_KEY. */
  std::string effective_api_key() const;
  /* The model for the session: speech-model if set, else the one that
   * transcribes language-code (model empty and @error set when none
   * does). */
  ModelChoice model_choice() const;
  /* settings with the chosen model filled in. */
  Settings effective_settings() const;
};

/* Registers GstAssemblyAIAuthScheme (use GST_TYPE_ASSEMBLYAI_AUTH_SCHEME). */
GType auth_scheme_type_once();

/* Param specs every element installs (the same name, range and meaning;
 * the voice agent too, under its own property IDs). */
GParamSpec *connect_timeout_param_spec(const char *blurb);
GParamSpec *keyterms_param_spec(const char *blurb);
GParamSpec *max_session_duration_param_spec();
GParamSpec *proxy_param_spec();
GParamSpec *tls_ca_file_param_spec();
GParamSpec *tls_strict_param_spec();
GParamSpec *reconnect_attempts_param_spec(const char *blurb);
GParamSpec *reconnect_max_backoff_param_spec();

/* A keyterms GstValueArray to terms (empty = unset) and back. */
std::optional<std::vector<std::string>> keyterms_from_value(const GValue *v);
void keyterms_to_value(const std::optional<std::vector<std::string>> &terms,
                       GValue *v);
/* A URL or proxy as properties show them: secrets redacted, NULL if
 * empty. */
void set_redacted_url(GValue *v, const std::string &url);
void set_redacted_proxy(GValue *v, const std::string &proxy);

/* Installs the shared properties (IDs PROP_URL..PROP_RECONNECTS). */
void install_shared_properties(GObjectClass *klass);

/* Applies a set; returns false if @prop_id is not a shared property. */
bool set_shared_property(SharedProps &props,
                         guint prop_id,
                         const GValue *value);
/* Reads a readable shared property other than session-id, audio-sent and
 * reconnects (the element fills those from its live stream). */
bool get_shared_property(const SharedProps &props,
                         guint prop_id,
                         GValue *value);

}  // namespace aai
