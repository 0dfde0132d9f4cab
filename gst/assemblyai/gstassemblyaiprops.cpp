/* gst-assemblyai
 * Copyright (C) 2026 gst-assemblyai contributors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "gstassemblyaiprops.h"

#include "net_options.h"

#include <cstdlib>
#include <optional>
#include <vector>

namespace aai
{

namespace
{
std::optional<std::string> opt_string(const GValue *v)
{
  const char *s = g_value_get_string(v);
  if (!s || !*s)
    return std::nullopt;
  return std::string(s);
}
}  // namespace

/* Only the schemes that carry a key: a temporary token always travels as
 * ?token= (token, token-url, request-token). */
GType auth_scheme_type_once()
{
  static const GEnumValue values[] = {
      {static_cast<gint>(AuthMode::RawHeader),
       "Authorization: <key> (AssemblyAI)", "raw"},
      {static_cast<gint>(AuthMode::Bearer),
       "Authorization: Bearer <key> (KeyPool team token)", "bearer"},
      {static_cast<gint>(AuthMode::Subprotocol),
       "Sec-WebSocket-Protocol: keypool-token.<key> (KeyPool WebSocket)",
       "subprotocol"},
      {0, nullptr, nullptr}};
  return g_enum_register_static("GstAssemblyAIAuthScheme", values);
}

ModelChoice SharedProps::model_choice() const
{
  if (settings.speech_model) {
    ModelChoice c;
    c.model = *settings.speech_model;
    return c;
  }
  return model_for_language(language_code);
}

Settings SharedProps::effective_settings() const
{
  Settings s = settings;
  if (!s.speech_model) {
    ModelChoice c = model_for_language(language_code);
    if (!c.model.empty())
      s.speech_model = c.model;
  }
  return s;
}

std::string SharedProps::effective_api_key() const
{
  if (!api_key.empty())
    return api_key;
  const char *env = g_getenv(ASSEMBLYAI_API_KEY_ENV);
  return env ? env : "";
}

GParamSpec *connect_timeout_param_spec(const char *blurb)
{
  return g_param_spec_uint("connect-timeout", "Connect timeout", blurb, 0,
                           G_MAXUINT, ASSEMBLYAI_DEFAULT_CONNECT_TIMEOUT, kRW);
}

GParamSpec *keyterms_param_spec(const char *blurb)
{
  return gst_param_spec_array(
      "keyterms", "Key terms", blurb,
      g_param_spec_string(
          "keyterm", "Key term", "A key term", nullptr,
          static_cast<GParamFlags>(G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS)),
      kRWLive);
}

GParamSpec *max_session_duration_param_spec()
{
  return g_param_spec_uint(
      "max-session-duration", "Max session duration",
      "Seconds, 60..10800, asked for in tokens minted at token-url "
      "(max_session_duration_seconds; 0 = the service's 3 hours)",
      0, 10800, 0, kRW);
}

GParamSpec *proxy_param_spec()
{
  return g_param_spec_string(
      "proxy", "Proxy",
      "Proxy URI (http://host:port, socks5://host:port, direct:// for "
      "none); empty = the environment's proxy settings",
      nullptr, kRW);
}

GParamSpec *tls_ca_file_param_spec()
{
  return g_param_spec_string(
      "tls-ca-file", "TLS CA file",
      "PEM file of CA certificates to trust for the service, in addition "
      "to the system's",
      nullptr, kRW);
}

GParamSpec *tls_strict_param_spec()
{
  return g_param_spec_boolean(
      "tls-strict", "Strict TLS",
      "Refuse servers whose certificate does not verify (FALSE accepts "
      "any certificate: for testing only)",
      TRUE, kRW);
}

GParamSpec *reconnect_attempts_param_spec(const char *blurb)
{
  return g_param_spec_int("reconnect-attempts", "Reconnect attempts", blurb, -1,
                          G_MAXINT, ASSEMBLYAI_DEFAULT_RECONNECT_ATTEMPTS, kRW);
}

GParamSpec *reconnect_max_backoff_param_spec()
{
  return g_param_spec_uint(
      "reconnect-max-backoff", "Maximum reconnect backoff",
      "Longest wait in ms between reconnection attempts (the wait doubles "
      "from 0.5 s, with jitter)",
      1, G_MAXUINT, ASSEMBLYAI_DEFAULT_RECONNECT_MAX_BACKOFF, kRW);
}

std::optional<std::vector<std::string>> keyterms_from_value(const GValue *v)
{
  guint n = gst_value_array_get_size(v);
  if (n == 0)
    return std::nullopt;
  std::vector<std::string> terms;
  for (guint i = 0; i < n; i++) {
    const GValue *e = gst_value_array_get_value(v, i);
    if (G_VALUE_HOLDS_STRING(e) && g_value_get_string(e))
      terms.emplace_back(g_value_get_string(e));
  }
  return terms;
}

void keyterms_to_value(const std::optional<std::vector<std::string>> &terms,
                       GValue *v)
{
  if (!terms)
    return;
  for (const auto &t : *terms) {
    GValue e = G_VALUE_INIT;
    g_value_init(&e, G_TYPE_STRING);
    g_value_set_string(&e, t.c_str());
    gst_value_array_append_and_take_value(v, &e);
  }
}

void set_redacted_url(GValue *v, const std::string &url)
{
  /* As any URL shown: a token or password in it stays hidden. */
  g_value_set_string(v, url.empty() ? nullptr : redact_url(url).c_str());
}

void set_redacted_proxy(GValue *v, const std::string &proxy)
{
  /* A proxy password is a secret too: never readable back. */
  g_value_set_string(v, proxy.empty() ? nullptr : redact_proxy(proxy).c_str());
}

void install_shared_properties(GObjectClass *k)
{
  gst_type_mark_as_plugin_api(GST_TYPE_ASSEMBLYAI_AUTH_SCHEME,
                              static_cast<GstPluginAPIFlags>(0));
  g_object_class_install_property(
      k, PROP_URL,
      g_param_spec_string(
          "url", "URL",
          "WebSocket URL of the v3 streaming endpoint (data zones: "
          "wss://streaming.eu.assemblyai.com/v3/ws; a KeyPool proxy; a local "
          "emulator)",
          ASSEMBLYAI_DEFAULT_URL, kRW));
  g_object_class_install_property(
      k, PROP_API_KEY,
      g_param_spec_string(
          "api-key", "API key",
          "AssemblyAI API key, sent as the Authorization header (write-only; "
          "falls back to $ASSEMBLYAI_API_KEY)",
          nullptr, kSecret));
  g_object_class_install_property(
      k, PROP_TOKEN,
      g_param_spec_string(
          "token", "Token",
          "Single-use temporary token, sent as ?token= instead of an API key "
          "(write-only)",
          nullptr, kSecret));
  g_object_class_install_property(
      k, PROP_CONNECT_TIMEOUT,
      connect_timeout_param_spec(
          "Milliseconds allowed for connecting until the session's Begin "
          "(0 = no limit)"));
  g_object_class_install_property(
      k, PROP_SPEECH_MODEL,
      g_param_spec_string(
          "speech-model", "Speech model",
          "speech_model: universal-streaming-english, "
          "universal-streaming-multilingual, u3-rt-pro, whisper-rt, ... "
          "(NULL = chosen from language-code)",
          nullptr, kRW));
  /**
   * GstAssemblyAISink:language-code:
   *
   * The language spoken (BCP-47 or ISO 639 code, e.g. "en-US", "es",
   * "pt-BR"). Unless speech-model is set, it chooses the model: English ->
   * universal-streaming-english; Spanish, French, German, Italian,
   * Portuguese (or "multi") -> universal-streaming-multilingual; any other
   * whisper-rt language -> whisper-rt; anything else is an error at
   * READY->PAUSED that lists what is supported. The transcriber also tags
   * its text with it.
   */
  g_object_class_install_property(
      k, PROP_LANGUAGE_CODE,
      g_param_spec_string(
          "language-code", "Language code",
          "Language spoken (BCP-47/ISO 639, e.g. en-US, es, pt-BR); chooses "
          "the model unless speech-model is set, and tags the text",
          ASSEMBLYAI_DEFAULT_LANGUAGE_CODE, kRW));
  g_object_class_install_property(
      k, PROP_FORMAT_TURNS,
      g_param_spec_boolean(
          "format-turns", "Format turns",
          "format_turns: ask for punctuated, cased final turns (sent only "
          "once set)",
          FALSE, kRWLive));
  g_object_class_install_property(
      k, PROP_LANGUAGE_DETECTION,
      g_param_spec_boolean(
          "language-detection", "Language detection",
          "language_detection: add language_code/language_confidence to "
          "turns (sent only once set)",
          FALSE, kRW));
  g_object_class_install_property(
      k, PROP_KEYTERMS,
      keyterms_param_spec(
          "keyterms_prompt: up to 100 words or phrases (50 characters each) "
          "to boost, e.g. "
          "keyterms=\"<\\\"AssemblyAI\\\",\\\"GStreamer\\\">\""));
  g_object_class_install_property(
      k, PROP_PROMPT,
      g_param_spec_string(
          "prompt", "Prompt",
          "prompt: transcription prompt (u3-rt-pro; empty = not sent)", nullptr,
          kRWLive));
  g_object_class_install_property(
      k, PROP_END_OF_TURN_CONFIDENCE_THRESHOLD,
      g_param_spec_double(
          "end-of-turn-confidence-threshold",
          "End-of-turn confidence threshold",
          "end_of_turn_confidence_threshold, 0..1 (-1 = not sent)", -1.0, 1.0,
          -1.0, kRWLive));
  g_object_class_install_property(
      k, PROP_MIN_TURN_SILENCE,
      g_param_spec_int(
          "min-turn-silence", "Minimum turn silence",
          "min_turn_silence: silence in ms before a confident end of turn "
          "(-1 = not sent)",
          -1, 60000, -1, kRWLive));
  g_object_class_install_property(
      k, PROP_MAX_TURN_SILENCE,
      g_param_spec_int(
          "max-turn-silence", "Maximum turn silence",
          "max_turn_silence: silence in ms that always ends a turn (-1 = not "
          "sent)",
          -1, 60000, -1, kRWLive));
  g_object_class_install_property(
      k, PROP_VAD_THRESHOLD,
      g_param_spec_double("vad-threshold", "VAD threshold",
                          "vad_threshold, 0..1 (-1 = not sent)", -1.0, 1.0,
                          -1.0, kRWLive));
  g_object_class_install_property(
      k, PROP_INACTIVITY_TIMEOUT,
      g_param_spec_int(
          "inactivity-timeout", "Inactivity timeout",
          "inactivity_timeout: seconds, 5..3600, without audio before the "
          "service ends the session (-1 = not sent)",
          -1, 3600, -1, kRW));
  g_object_class_install_property(
      k, PROP_SPEAKER_LABELS,
      g_param_spec_boolean(
          "speaker-labels", "Speaker labels",
          "speaker_labels: label each turn with its speaker (sent only once "
          "set)",
          FALSE, kRW));
  g_object_class_install_property(
      k, PROP_MAX_SPEAKERS,
      g_param_spec_int(
          "max-speakers", "Maximum speakers",
          "max_speakers: 1..10, with speaker-labels (-1 = not sent)", -1, 10,
          -1, kRW));
  g_object_class_install_property(
      k, PROP_FILTER_PROFANITY,
      g_param_spec_boolean("filter-profanity", "Filter profanity",
                           "filter_profanity (sent only once set)", FALSE,
                           kRWLive));
  g_object_class_install_property(
      k, PROP_EXTRA_PARAMS,
      g_param_spec_boxed(
          "extra-params", "Extra parameters",
          "More query parameters, for ones the service adds later, e.g. "
          "extra-params=\"params,mode=balanced\"",
          GST_TYPE_STRUCTURE, kRW));
  g_object_class_install_property(
      k, PROP_CHUNK_DURATION,
      g_param_spec_uint(
          "chunk-duration", "Chunk duration",
          "Milliseconds of audio per WebSocket frame (the service accepts "
          "50..1000)",
          50, 1000, ASSEMBLYAI_DEFAULT_CHUNK_DURATION, kRW));
  g_object_class_install_property(
      k, PROP_TERMINATE_TIMEOUT,
      g_param_spec_uint(
          "terminate-timeout", "Terminate timeout",
          "Milliseconds to wait at EOS for the last turns and Termination", 0,
          G_MAXUINT, ASSEMBLYAI_DEFAULT_TERMINATE_TIMEOUT, kRW));
  g_object_class_install_property(
      k, PROP_POST_MESSAGES,
      g_param_spec_boolean(
          "post-messages", "Post messages",
          "Post assemblyai/* element messages on the bus", TRUE,
          static_cast<GParamFlags>(G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS |
                                   GST_PARAM_MUTABLE_PLAYING)));
  g_object_class_install_property(
      k, PROP_POST_PARTIALS,
      g_param_spec_boolean(
          "post-partials", "Post partials",
          "Also post turns that are not yet complete (end-of-turn=false)", TRUE,
          static_cast<GParamFlags>(G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS |
                                   GST_PARAM_MUTABLE_PLAYING)));
  g_object_class_install_property(
      k, PROP_TOKEN_URL,
      g_param_spec_string(
          "token-url", "Token URL",
          "Mint a fresh temporary token here before every connection, e.g. "
          "https://streaming.assemblyai.com/v3/token or a KeyPool "
          ".../v1/assemblyai/v3/token (the key goes in the header "
          "auth-scheme names; the token in ?token=)",
          nullptr, kRW));
  g_object_class_install_property(
      k, PROP_AUTH_SCHEME,
      g_param_spec_enum(
          "auth-scheme", "Auth scheme",
          "How api-key is presented: raw Authorization header (AssemblyAI), "
          "Bearer (KeyPool), or the keypool-token.<key> WebSocket subprotocol",
          GST_TYPE_ASSEMBLYAI_AUTH_SCHEME,
          static_cast<gint>(AuthMode::RawHeader), kRW));
  g_object_class_install_property(k, PROP_MAX_SESSION_DURATION,
                                  max_session_duration_param_spec());
  g_object_class_install_property(k, PROP_PROXY, proxy_param_spec());
  g_object_class_install_property(k, PROP_TLS_CA_FILE,
                                  tls_ca_file_param_spec());
  g_object_class_install_property(k, PROP_TLS_STRICT, tls_strict_param_spec());
  g_object_class_install_property(
      k, PROP_SEND_TIMEOUT,
      g_param_spec_uint(
          "send-timeout", "Send timeout",
          "Milliseconds the connection may make no progress sending before it "
          "is declared dead and replaced (0 = never)",
          0, G_MAXUINT, ASSEMBLYAI_DEFAULT_SEND_TIMEOUT, kRW));
  g_object_class_install_property(
      k, PROP_RECONNECT_ATTEMPTS,
      reconnect_attempts_param_spec(
          "Attempts to reconnect after a dropped connection or a retryable "
          "close before failing (-1 = forever, 0 = never)"));
  g_object_class_install_property(k, PROP_RECONNECT_MAX_BACKOFF,
                                  reconnect_max_backoff_param_spec());
  g_object_class_install_property(
      k, PROP_REPLAY_BUFFER,
      g_param_spec_uint(
          "replay-buffer", "Replay buffer",
          "Milliseconds of audio kept to send again after a reconnection "
          "(the audio since the last completed turn, and audio arriving "
          "during the outage)",
          0, G_MAXUINT, ASSEMBLYAI_DEFAULT_REPLAY_BUFFER, kRW));
  g_object_class_install_property(
      k, PROP_SESSION_ID,
      g_param_spec_string("session-id", "Session id",
                          "Id of the current session (from Begin), NULL before",
                          nullptr, kRO));
  g_object_class_install_property(
      k, PROP_AUDIO_SENT,
      g_param_spec_uint64(
          "audio-sent", "Audio sent",
          "Bytes of audio sent to the service in this stream (replayed "
          "audio counts again)",
          0, G_MAXUINT64, 0, kRO));
  g_object_class_install_property(
      k, PROP_RECONNECTS,
      g_param_spec_uint("reconnects", "Reconnects",
                        "Sessions opened to continue the stream (reconnections "
                        "and rollovers)",
                        0, G_MAXUINT, 0, kRO));
}

bool set_shared_property(SharedProps &p, guint id, const GValue *v)
{
  Settings &s = p.settings;
  switch (id) {
    case PROP_URL: {
      const char *u = g_value_get_string(v);
      p.url = u && *u ? u : ASSEMBLYAI_DEFAULT_URL;
      return true;
    }
    case PROP_API_KEY: {
      const char *k = g_value_get_string(v);
      p.api_key = k ? k : "";
      return true;
    }
    case PROP_TOKEN: {
      const char *t = g_value_get_string(v);
      p.token = t ? t : "";
      return true;
    }
    case PROP_CONNECT_TIMEOUT:
      p.connect_timeout_ms = g_value_get_uint(v);
      return true;
    case PROP_SPEECH_MODEL:
      s.speech_model = opt_string(v);
      return true;
    case PROP_LANGUAGE_CODE: {
      const char *code = g_value_get_string(v);
      p.language_code = code && *code ? code : ASSEMBLYAI_DEFAULT_LANGUAGE_CODE;
      return true;
    }
    case PROP_FORMAT_TURNS:
      s.format_turns = g_value_get_boolean(v) != FALSE;
      return true;
    case PROP_LANGUAGE_DETECTION:
      s.language_detection = g_value_get_boolean(v) != FALSE;
      return true;
    case PROP_KEYTERMS:
      s.keyterms_prompt = keyterms_from_value(v);
      return true;
    case PROP_PROMPT:
      s.prompt = opt_string(v);
      return true;
    case PROP_END_OF_TURN_CONFIDENCE_THRESHOLD: {
      double d = g_value_get_double(v);
      s.end_of_turn_confidence_threshold =
          d < 0 ? std::nullopt : std::optional<double>(d);
      return true;
    }
    case PROP_MIN_TURN_SILENCE: {
      int i = g_value_get_int(v);
      s.min_turn_silence = i < 0 ? std::nullopt : std::optional<int>(i);
      return true;
    }
    case PROP_MAX_TURN_SILENCE: {
      int i = g_value_get_int(v);
      s.max_turn_silence = i < 0 ? std::nullopt : std::optional<int>(i);
      return true;
    }
    case PROP_VAD_THRESHOLD: {
      double d = g_value_get_double(v);
      s.vad_threshold = d < 0 ? std::nullopt : std::optional<double>(d);
      return true;
    }
    case PROP_INACTIVITY_TIMEOUT: {
      int i = g_value_get_int(v);
      s.inactivity_timeout = i < 0 ? std::nullopt : std::optional<int>(i);
      return true;
    }
    case PROP_SPEAKER_LABELS:
      s.speaker_labels = g_value_get_boolean(v) != FALSE;
      return true;
    case PROP_MAX_SPEAKERS: {
      int i = g_value_get_int(v);
      s.max_speakers = i < 0 ? std::nullopt : std::optional<int>(i);
      return true;
    }
    case PROP_FILTER_PROFANITY:
      s.filter_profanity = g_value_get_boolean(v) != FALSE;
      return true;
    case PROP_EXTRA_PARAMS: {
      s.extra_params.clear();
      const GstStructure *st =
          static_cast<const GstStructure *>(g_value_get_boxed(v));
      if (!st)
        return true;
      for (int i = 0; i < gst_structure_n_fields(st); i++) {
        const char *name = gst_structure_nth_field_name(st, i);
        const GValue *fv = gst_structure_get_value(st, name);
        std::string val;
        if (G_VALUE_HOLDS_STRING(fv)) {
          val = g_value_get_string(fv) ? g_value_get_string(fv) : "";
        } else if (G_VALUE_HOLDS_BOOLEAN(fv)) {
          val = g_value_get_boolean(fv) ? "true" : "false";
        } else {
          char *ser = gst_value_serialize(fv);
          val = ser ? ser : "";
          g_free(ser);
        }
        s.extra_params.emplace_back(name, val);
      }
      return true;
    }
    case PROP_CHUNK_DURATION:
      s.chunk_duration_ms = static_cast<int>(g_value_get_uint(v));
      return true;
    case PROP_TERMINATE_TIMEOUT:
      p.terminate_timeout_ms = g_value_get_uint(v);
      return true;
    case PROP_POST_MESSAGES:
      p.post_messages = g_value_get_boolean(v) != FALSE;
      return true;
    case PROP_POST_PARTIALS:
      p.post_partials = g_value_get_boolean(v) != FALSE;
      return true;
    case PROP_TOKEN_URL: {
      const char *u = g_value_get_string(v);
      p.token_url = u ? u : "";
      return true;
    }
    case PROP_AUTH_SCHEME:
      p.auth_scheme = static_cast<AuthMode>(g_value_get_enum(v));
      return true;
    case PROP_MAX_SESSION_DURATION:
      p.max_session_duration_s = g_value_get_uint(v);
      return true;
    case PROP_PROXY: {
      const char *u = g_value_get_string(v);
      p.proxy = u ? u : "";
      return true;
    }
    case PROP_TLS_CA_FILE: {
      const char *f = g_value_get_string(v);
      p.tls_ca_file = f ? f : "";
      return true;
    }
    case PROP_TLS_STRICT:
      p.tls_strict = g_value_get_boolean(v) != FALSE;
      return true;
    case PROP_SEND_TIMEOUT:
      p.send_timeout_ms = g_value_get_uint(v);
      return true;
    case PROP_RECONNECT_ATTEMPTS:
      p.reconnect_attempts = g_value_get_int(v);
      return true;
    case PROP_RECONNECT_MAX_BACKOFF:
      p.reconnect_max_backoff_ms = g_value_get_uint(v);
      return true;
    case PROP_REPLAY_BUFFER:
      p.replay_ms = g_value_get_uint(v);
      return true;
    default:
      return false;
  }
}

bool get_shared_property(const SharedProps &p, guint id, GValue *v)
{
  const Settings &s = p.settings;
  switch (id) {
    case PROP_URL:
      set_redacted_url(v, p.url);
      return true;
    case PROP_CONNECT_TIMEOUT:
      g_value_set_uint(v, p.connect_timeout_ms);
      return true;
    case PROP_SPEECH_MODEL:
      g_value_set_string(v, s.speech_model ? s.speech_model->c_str() : nullptr);
      return true;
    case PROP_LANGUAGE_CODE:
      g_value_set_string(v, p.language_code.c_str());
      return true;
    case PROP_FORMAT_TURNS:
      g_value_set_boolean(v, s.format_turns.value_or(false));
      return true;
    case PROP_LANGUAGE_DETECTION:
      g_value_set_boolean(v, s.language_detection.value_or(false));
      return true;
    case PROP_KEYTERMS:
      keyterms_to_value(s.keyterms_prompt, v);
      return true;
    case PROP_PROMPT:
      g_value_set_string(v, s.prompt ? s.prompt->c_str() : nullptr);
      return true;
    case PROP_END_OF_TURN_CONFIDENCE_THRESHOLD:
      g_value_set_double(v, s.end_of_turn_confidence_threshold.value_or(-1.0));
      return true;
    case PROP_MIN_TURN_SILENCE:
      g_value_set_int(v, s.min_turn_silence.value_or(-1));
      return true;
    case PROP_MAX_TURN_SILENCE:
      g_value_set_int(v, s.max_turn_silence.value_or(-1));
      return true;
    case PROP_VAD_THRESHOLD:
      g_value_set_double(v, s.vad_threshold.value_or(-1.0));
      return true;
    case PROP_INACTIVITY_TIMEOUT:
      g_value_set_int(v, s.inactivity_timeout.value_or(-1));
      return true;
    case PROP_SPEAKER_LABELS:
      g_value_set_boolean(v, s.speaker_labels.value_or(false));
      return true;
    case PROP_MAX_SPEAKERS:
      g_value_set_int(v, s.max_speakers.value_or(-1));
      return true;
    case PROP_FILTER_PROFANITY:
      g_value_set_boolean(v, s.filter_profanity.value_or(false));
      return true;
    case PROP_EXTRA_PARAMS: {
      if (s.extra_params.empty()) {
        g_value_set_boxed(v, nullptr);
        return true;
      }
      GstStructure *st = gst_structure_new_empty("params");
      for (const auto &kv : s.extra_params)
        gst_structure_set(st, kv.first.c_str(), G_TYPE_STRING,
                          kv.second.c_str(), nullptr);
      g_value_take_boxed(v, st);
      return true;
    }
    case PROP_CHUNK_DURATION:
      g_value_set_uint(v, static_cast<guint>(s.chunk_duration_ms));
      return true;
    case PROP_TERMINATE_TIMEOUT:
      g_value_set_uint(v, p.terminate_timeout_ms);
      return true;
    case PROP_POST_MESSAGES:
      g_value_set_boolean(v, p.post_messages);
      return true;
    case PROP_POST_PARTIALS:
      g_value_set_boolean(v, p.post_partials);
      return true;
    case PROP_TOKEN_URL:
      set_redacted_url(v, p.token_url);
      return true;
    case PROP_AUTH_SCHEME:
      g_value_set_enum(v, static_cast<gint>(p.auth_scheme));
      return true;
    case PROP_MAX_SESSION_DURATION:
      g_value_set_uint(v, p.max_session_duration_s);
      return true;
    case PROP_PROXY:
      set_redacted_proxy(v, p.proxy);
      return true;
    case PROP_TLS_CA_FILE:
      g_value_set_string(
          v, p.tls_ca_file.empty() ? nullptr : p.tls_ca_file.c_str());
      return true;
    case PROP_TLS_STRICT:
      g_value_set_boolean(v, p.tls_strict);
      return true;
    case PROP_SEND_TIMEOUT:
      g_value_set_uint(v, p.send_timeout_ms);
      return true;
    case PROP_RECONNECT_ATTEMPTS:
      g_value_set_int(v, p.reconnect_attempts);
      return true;
    case PROP_RECONNECT_MAX_BACKOFF:
      g_value_set_uint(v, p.reconnect_max_backoff_ms);
      return true;
    case PROP_REPLAY_BUFFER:
      g_value_set_uint(v, p.replay_ms);
      return true;
    default:
      return false;
  }
}

}  // namespace aai

GType gst_assemblyai_auth_scheme_get_type(void)
{
  static gsize type = 0;
  if (g_once_init_enter(&type))
    g_once_init_leave(&type, aai::auth_scheme_type_once());
  return static_cast<GType>(type);
}
