/* gst-assemblyai
 * Copyright (C) 2026 gst-assemblyai contributors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "gstassemblyaiagentprops.h"

#include <optional>

#include "gstassemblyaiprops.h"

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

void set_opt_string(GValue *v, const std::optional<std::string> &s)
{
  g_value_set_string(v, s ? s->c_str() : nullptr);
}

std::string plain_string(const GValue *v)
{
  const char *s = g_value_get_string(v);
  return s ? s : "";
}

GType encoding_type_once()
{
  static const GEnumValue values[] = {
      {static_cast<gint>(OutputChoice::Auto),
       "Follow the downstream caps (PCM when free)", "auto"},
      {static_cast<gint>(OutputChoice::Pcm), "audio/pcm: S16LE 24 kHz", "pcm"},
      {static_cast<gint>(OutputChoice::Pcmu), "audio/pcmu: G.711 mu-law 8 kHz",
       "pcmu"},
      {static_cast<gint>(OutputChoice::Pcma), "audio/pcma: G.711 A-law 8 kHz",
       "pcma"},
      {0, nullptr, nullptr}};
  return g_enum_register_static("GstAssemblyAIAgentEncoding", values);
}

void install_string(GObjectClass *k,
                    guint id,
                    const char *name,
                    const char *nick,
                    const char *blurb,
                    const char *def,
                    GParamFlags flags)
{
  g_object_class_install_property(
      k, id, g_param_spec_string(name, nick, blurb, def, flags));
}
}  // namespace

std::string AgentProps::effective_api_key() const
{
  if (!api_key.empty())
    return api_key;
  const char *env = g_getenv(ASSEMBLYAI_API_KEY_ENV);
  return env ? env : "";
}

AgentConnectSettings AgentProps::connect_settings() const
{
  AgentConnectSettings s;
  s.url = url;
  s.api_key = effective_api_key();
  s.token = token;
  s.token_url = token_url;
  s.max_session_duration_s = max_session_duration_s;
  s.net.proxy = proxy;
  s.net.tls_ca_file = tls_ca_file;
  s.net.tls_strict = tls_strict;
  s.connect_timeout_ms = connect_timeout_ms;
  s.reconnect_attempts = reconnect_attempts;
  s.reconnect_max_backoff_ms = reconnect_max_backoff_ms;
  return s;
}

PropClass agent_prop_class(guint id)
{
  if (id >= PROP_AGENT_URL && id <= PROP_AGENT_RECONNECT_MAX_BACKOFF)
    return PropClass::Connection;
  if (id >= PROP_AGENT_AGENT_ID && id <= PROP_AGENT_OUTPUT_ENCODING)
    return PropClass::Fixed;
  if (id >= PROP_AGENT_SYSTEM_PROMPT && id <= PROP_AGENT_TOOLS)
    return PropClass::Changeable;
  if (id >= PROP_AGENT_PACE && id <= PROP_AGENT_END_TIMEOUT)
    return PropClass::Behaviour;
  return PropClass::None;
}

void install_agent_properties(GObjectClass *k)
{
  gst_type_mark_as_plugin_api(GST_TYPE_ASSEMBLYAI_AGENT_ENCODING,
                              static_cast<GstPluginAPIFlags>(0));
  /* Connection. */
  install_string(
      k, PROP_AGENT_URL, "url", "URL",
      "WebSocket URL of the Voice Agent API (older documents name "
      "it wss://agents.assemblyai.com/v1/voice; or a local emulator)",
      ASSEMBLYAI_AGENT_DEFAULT_URL, kRW);
  install_string(k, PROP_AGENT_API_KEY, "api-key", "API key",
                 "AssemblyAI API key, sent as \"Authorization: Bearer <key>\" "
                 "(write-only; falls back to $ASSEMBLYAI_API_KEY)",
                 nullptr, kSecret);
  install_string(k, PROP_AGENT_TOKEN, "token", "Token",
                 "Single-use temporary token for the first connection, sent as "
                 "?token= (write-only)",
                 nullptr, kSecret);
  install_string(
      k, PROP_AGENT_TOKEN_URL, "token-url", "Token URL",
      "Mint a fresh temporary token here before every connection "
      "with the API key, e.g. https://agents.assemblyai.com/v1/token",
      nullptr, kRW);
  g_object_class_install_property(k, PROP_AGENT_MAX_SESSION_DURATION,
                                  max_session_duration_param_spec());
  g_object_class_install_property(k, PROP_AGENT_PROXY, proxy_param_spec());
  g_object_class_install_property(k, PROP_AGENT_TLS_CA_FILE,
                                  tls_ca_file_param_spec());
  g_object_class_install_property(k, PROP_AGENT_TLS_STRICT,
                                  tls_strict_param_spec());
  g_object_class_install_property(
      k, PROP_AGENT_CONNECT_TIMEOUT,
      connect_timeout_param_spec(
          "Milliseconds allowed for opening a connection and its session "
          "(until session.ready; 0 = no limit)"));
  g_object_class_install_property(
      k, PROP_AGENT_RECONNECT_ATTEMPTS,
      reconnect_attempts_param_spec(
          "Attempts to reconnect (and resume the session) after a dropped "
          "connection before failing (-1 = forever, 0 = never)"));
  g_object_class_install_property(k, PROP_AGENT_RECONNECT_MAX_BACKOFF,
                                  reconnect_max_backoff_param_spec());

  /* The session: fixed once configured. */
  install_string(k, PROP_AGENT_AGENT_ID, "agent-id", "Agent id",
                 "A stored agent (created with the Agents REST API) to use "
                 "instead of the inline configuration; excludes system-prompt, "
                 "greeting, voice, tools and the other session properties",
                 nullptr, kRWLive);
  install_string(k, PROP_AGENT_GREETING, "greeting", "Greeting",
                 "What the agent says first (empty: it waits for the caller); "
                 "fixed once the session is configured",
                 nullptr, kRWLive);
  install_string(k, PROP_AGENT_VOICE, "voice", "Voice",
                 "Voice id of the agent, e.g. ivy or claire (empty: the "
                 "service's default); fixed once the session is configured",
                 nullptr, kRWLive);
  g_object_class_install_property(
      k, PROP_AGENT_OUTPUT_ENCODING,
      g_param_spec_enum("output-encoding", "Output encoding",
                        "Format of the agent's speech on src: auto follows "
                        "the downstream caps; fixed once the session is "
                        "configured",
                        GST_TYPE_ASSEMBLYAI_AGENT_ENCODING,
                        static_cast<gint>(OutputChoice::Auto), kRWLive));

  /* The session: changeable while it runs (a new session.update). */
  install_string(k, PROP_AGENT_SYSTEM_PROMPT, "system-prompt", "System prompt",
                 "The agent's instructions: personality, what to say and what "
                 "not (empty = not sent)",
                 nullptr, kRWLive);
  g_object_class_install_property(
      k, PROP_AGENT_OUTPUT_VOLUME,
      g_param_spec_int("output-volume", "Output volume",
                       "Loudness of the agent's speech, 0..100 (-1 = the "
                       "voice's native level)",
                       -1, 100, -1, kRWLive));
  g_object_class_install_property(
      k, PROP_AGENT_KEYTERMS,
      keyterms_param_spec(
          "Words or phrases the caller's speech recognition "
          "should favour, e.g. "
          "keyterms=\"<\\\"AssemblyAI\\\",\\\"GStreamer\\\">\""));
  g_object_class_install_property(
      k, PROP_AGENT_VAD_THRESHOLD,
      g_param_spec_double("vad-threshold", "VAD threshold",
                          "Turn detection: voice activity threshold, 0..1 "
                          "(-1 = not sent)",
                          -1.0, 1.0, -1.0, kRWLive));
  g_object_class_install_property(
      k, PROP_AGENT_MIN_SILENCE,
      g_param_spec_int("min-silence", "Minimum silence",
                       "Turn detection: ms of silence before the caller's "
                       "turn may end (-1 = not sent)",
                       -1, 60000, -1, kRWLive));
  g_object_class_install_property(
      k, PROP_AGENT_MAX_SILENCE,
      g_param_spec_int("max-silence", "Maximum silence",
                       "Turn detection: ms of silence that always ends the "
                       "caller's turn (-1 = not sent)",
                       -1, 60000, -1, kRWLive));
  g_object_class_install_property(
      k, PROP_AGENT_INTERRUPT_RESPONSE,
      g_param_spec_boolean("interrupt-response", "Interrupt response",
                           "Turn detection: the caller's speech cuts off the "
                           "agent (barge-in); sent only once set (the "
                           "service's default interrupts)",
                           TRUE, kRWLive));
  install_string(k, PROP_AGENT_TOOLS, "tools", "Tools",
                 "JSON array of function tools the agent may call, each "
                 "{\"type\":\"function\",\"name\":...,\"description\":...,"
                 "\"parameters\":{JSON schema}}; answered through the "
                 "tool-call signal",
                 nullptr, kRWLive);

  /* Behaviour. */
  g_object_class_install_property(
      k, PROP_AGENT_PACE,
      g_param_spec_boolean("pace", "Pace",
                           "Hold non-live input to real time (the agent "
                           "expects audio as it is spoken)",
                           TRUE, kRW));
  g_object_class_install_property(
      k, PROP_AGENT_FLUSH_ON_BARGE_IN,
      g_param_spec_boolean(
          "flush-on-barge-in", "Flush on barge-in",
          "When the caller interrupts, also flush the agent's speech already "
          "downstream (an audio sink's buffer); turn off when writing to a "
          "file (filesink truncates its file on a flush)",
          TRUE, kRWLive));
  g_object_class_install_property(
      k, PROP_AGENT_END_TIMEOUT,
      g_param_spec_uint("end-timeout", "End timeout",
                        "Milliseconds to wait at EOS for the agent to answer "
                        "and finish speaking and for the session to end",
                        0, G_MAXUINT, ASSEMBLYAI_AGENT_DEFAULT_END_TIMEOUT,
                        kRW));

  /* Read-only. */
  install_string(k, PROP_AGENT_SESSION_ID, "session-id", "Session id",
                 "Id of the session (from session.ready), NULL before", nullptr,
                 kRO);
  g_object_class_install_property(
      k, PROP_AGENT_AUDIO_SENT,
      g_param_spec_uint64("audio-sent", "Audio sent",
                          "Bytes of caller audio sent to the service", 0,
                          G_MAXUINT64, 0, kRO));
  g_object_class_install_property(
      k, PROP_AGENT_AUDIO_RECEIVED,
      g_param_spec_uint64("audio-received", "Audio received",
                          "Bytes of agent speech received from the service "
                          "(also what barge-in dropped)",
                          0, G_MAXUINT64, 0, kRO));
}

bool set_agent_property(AgentProps &p, guint id, const GValue *v)
{
  AgentConfig &c = p.config;
  switch (id) {
    case PROP_AGENT_URL: {
      std::string u = plain_string(v);
      p.url = u.empty() ? ASSEMBLYAI_AGENT_DEFAULT_URL : u;
      return true;
    }
    case PROP_AGENT_API_KEY:
      p.api_key = plain_string(v);
      return true;
    case PROP_AGENT_TOKEN:
      p.token = plain_string(v);
      return true;
    case PROP_AGENT_TOKEN_URL:
      p.token_url = plain_string(v);
      return true;
    case PROP_AGENT_MAX_SESSION_DURATION:
      p.max_session_duration_s = g_value_get_uint(v);
      return true;
    case PROP_AGENT_PROXY:
      p.proxy = plain_string(v);
      return true;
    case PROP_AGENT_TLS_CA_FILE:
      p.tls_ca_file = plain_string(v);
      return true;
    case PROP_AGENT_TLS_STRICT:
      p.tls_strict = g_value_get_boolean(v);
      return true;
    case PROP_AGENT_CONNECT_TIMEOUT:
      p.connect_timeout_ms = g_value_get_uint(v);
      return true;
    case PROP_AGENT_RECONNECT_ATTEMPTS:
      p.reconnect_attempts = g_value_get_int(v);
      return true;
    case PROP_AGENT_RECONNECT_MAX_BACKOFF:
      p.reconnect_max_backoff_ms = g_value_get_uint(v);
      return true;
    case PROP_AGENT_AGENT_ID:
      c.agent_id = plain_string(v);
      return true;
    case PROP_AGENT_GREETING:
      c.greeting = opt_string(v);
      return true;
    case PROP_AGENT_VOICE:
      c.voice = opt_string(v);
      return true;
    case PROP_AGENT_OUTPUT_ENCODING:
      p.output = static_cast<OutputChoice>(g_value_get_enum(v));
      return true;
    case PROP_AGENT_SYSTEM_PROMPT:
      c.system_prompt = opt_string(v);
      return true;
    case PROP_AGENT_OUTPUT_VOLUME: {
      int vol = g_value_get_int(v);
      c.volume = vol < 0 ? std::nullopt : std::optional<int>(vol);
      return true;
    }
    case PROP_AGENT_KEYTERMS:
      c.keyterms = keyterms_from_value(v);
      return true;
    case PROP_AGENT_VAD_THRESHOLD: {
      double d = g_value_get_double(v);
      c.vad_threshold = d < 0 ? std::nullopt : std::optional<double>(d);
      return true;
    }
    case PROP_AGENT_MIN_SILENCE: {
      int ms = g_value_get_int(v);
      c.min_silence_ms = ms < 0 ? std::nullopt : std::optional<int>(ms);
      return true;
    }
    case PROP_AGENT_MAX_SILENCE: {
      int ms = g_value_get_int(v);
      c.max_silence_ms = ms < 0 ? std::nullopt : std::optional<int>(ms);
      return true;
    }
    case PROP_AGENT_INTERRUPT_RESPONSE:
      c.interrupt_response = g_value_get_boolean(v) != FALSE;
      return true;
    case PROP_AGENT_TOOLS:
      c.tools = opt_string(v);
      return true;
    case PROP_AGENT_PACE:
      p.pace = g_value_get_boolean(v);
      return true;
    case PROP_AGENT_FLUSH_ON_BARGE_IN:
      p.flush_on_barge_in = g_value_get_boolean(v);
      return true;
    case PROP_AGENT_END_TIMEOUT:
      p.end_timeout_ms = g_value_get_uint(v);
      return true;
    default:
      return false;
  }
}

bool get_agent_property(const AgentProps &p, guint id, GValue *v)
{
  const AgentConfig &c = p.config;
  switch (id) {
    case PROP_AGENT_URL:
      set_redacted_url(v, p.url);
      return true;
    case PROP_AGENT_TOKEN_URL:
      set_redacted_url(v, p.token_url);
      return true;
    case PROP_AGENT_MAX_SESSION_DURATION:
      g_value_set_uint(v, p.max_session_duration_s);
      return true;
    case PROP_AGENT_PROXY:
      set_redacted_proxy(v, p.proxy);
      return true;
    case PROP_AGENT_TLS_CA_FILE:
      g_value_set_string(
          v, p.tls_ca_file.empty() ? nullptr : p.tls_ca_file.c_str());
      return true;
    case PROP_AGENT_TLS_STRICT:
      g_value_set_boolean(v, p.tls_strict);
      return true;
    case PROP_AGENT_CONNECT_TIMEOUT:
      g_value_set_uint(v, p.connect_timeout_ms);
      return true;
    case PROP_AGENT_RECONNECT_ATTEMPTS:
      g_value_set_int(v, p.reconnect_attempts);
      return true;
    case PROP_AGENT_RECONNECT_MAX_BACKOFF:
      g_value_set_uint(v, p.reconnect_max_backoff_ms);
      return true;
    case PROP_AGENT_AGENT_ID:
      g_value_set_string(v, c.agent_id.empty() ? nullptr : c.agent_id.c_str());
      return true;
    case PROP_AGENT_GREETING:
      set_opt_string(v, c.greeting);
      return true;
    case PROP_AGENT_VOICE:
      set_opt_string(v, c.voice);
      return true;
    case PROP_AGENT_OUTPUT_ENCODING:
      g_value_set_enum(v, static_cast<gint>(p.output));
      return true;
    case PROP_AGENT_SYSTEM_PROMPT:
      set_opt_string(v, c.system_prompt);
      return true;
    case PROP_AGENT_OUTPUT_VOLUME:
      g_value_set_int(v, c.volume.value_or(-1));
      return true;
    case PROP_AGENT_KEYTERMS:
      keyterms_to_value(c.keyterms, v);
      return true;
    case PROP_AGENT_VAD_THRESHOLD:
      g_value_set_double(v, c.vad_threshold.value_or(-1.0));
      return true;
    case PROP_AGENT_MIN_SILENCE:
      g_value_set_int(v, c.min_silence_ms.value_or(-1));
      return true;
    case PROP_AGENT_MAX_SILENCE:
      g_value_set_int(v, c.max_silence_ms.value_or(-1));
      return true;
    case PROP_AGENT_INTERRUPT_RESPONSE:
      g_value_set_boolean(v, c.interrupt_response.value_or(true));
      return true;
    case PROP_AGENT_TOOLS:
      set_opt_string(v, c.tools);
      return true;
    case PROP_AGENT_PACE:
      g_value_set_boolean(v, p.pace);
      return true;
    case PROP_AGENT_FLUSH_ON_BARGE_IN:
      g_value_set_boolean(v, p.flush_on_barge_in);
      return true;
    case PROP_AGENT_END_TIMEOUT:
      g_value_set_uint(v, p.end_timeout_ms);
      return true;
    default:
      return false;
  }
}

}  // namespace aai

GType gst_assemblyai_agent_encoding_get_type(void)
{
  static gsize type = 0;
  if (g_once_init_enter(&type))
    g_once_init_leave(&type, aai::encoding_type_once());
  return static_cast<GType>(type);
}
