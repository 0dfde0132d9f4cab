/* gst-assemblyai
 * Copyright (C) 2026 gst-assemblyai contributors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
/* The properties of assemblyaivoiceagent: their specs and defaults, and
 * how they map onto the session configuration (AgentConfig) and the
 * connection settings (AgentConnectSettings). */
#pragma once

#include <string>

#include <gst/gst.h>

#include "agent_protocol.h"
#include "gstassemblyaiagentdriver.h"

#define ASSEMBLYAI_AGENT_DEFAULT_URL "wss://agents.assemblyai.com/v1/ws"
#define ASSEMBLYAI_AGENT_DEFAULT_END_TIMEOUT 10000u

/* The output-encoding enum (GstAssemblyAIAgentEncoding). */
GType gst_assemblyai_agent_encoding_get_type(void);
#define GST_TYPE_ASSEMBLYAI_AGENT_ENCODING \
  (gst_assemblyai_agent_encoding_get_type())

namespace aai
{

enum {
  PROP_AGENT_0,
  PROP_AGENT_URL,
  PROP_AGENT_API_KEY,
  PROP_AGENT_TOKEN,
  PROP_AGENT_TOKEN_URL,
  PROP_AGENT_MAX_SESSION_DURATION,
  PROP_AGENT_PROXY,
  PROP_AGENT_TLS_CA_FILE,
  PROP_AGENT_TLS_STRICT,
  PROP_AGENT_CONNECT_TIMEOUT,
  PROP_AGENT_RECONNECT_ATTEMPTS,
  PROP_AGENT_RECONNECT_MAX_BACKOFF,
  /* Fixed once the session is configured. */
  PROP_AGENT_AGENT_ID,
  PROP_AGENT_GREETING,
  PROP_AGENT_VOICE,
  PROP_AGENT_OUTPUT_ENCODING,
  /* Changeable during the session. */
  PROP_AGENT_SYSTEM_PROMPT,
  PROP_AGENT_OUTPUT_VOLUME,
  PROP_AGENT_KEYTERMS,
  PROP_AGENT_VAD_THRESHOLD,
  PROP_AGENT_MIN_SILENCE,
  PROP_AGENT_MAX_SILENCE,
  PROP_AGENT_INTERRUPT_RESPONSE,
  PROP_AGENT_TOOLS,
  /* Behaviour. */
  PROP_AGENT_PACE,
  PROP_AGENT_FLUSH_ON_BARGE_IN,
  PROP_AGENT_END_TIMEOUT,
  /* Read-only. */
  PROP_AGENT_SESSION_ID,
  PROP_AGENT_AUDIO_SENT,
  PROP_AGENT_AUDIO_RECEIVED,
};

/* output-encoding: AUTO follows the downstream caps. */
enum class OutputChoice { Auto, Pcm, Pcmu, Pcma };

struct AgentProps {
  std::string url = ASSEMBLYAI_AGENT_DEFAULT_URL;
  std::string api_key; /* write-only; never logged */
  std::string token;   /* write-only; never logged */
  std::string token_url;
  unsigned max_session_duration_s = 0;
  std::string proxy;
  std::string tls_ca_file;
  bool tls_strict = true;
  unsigned connect_timeout_ms = 10000;
  int reconnect_attempts = 10;
  unsigned reconnect_max_backoff_ms = 30000;
  AgentConfig config; /* the formats are filled in from the caps */
  OutputChoice output = OutputChoice::Auto;
  bool pace = true;
  bool flush_on_barge_in = true;
  unsigned end_timeout_ms = ASSEMBLYAI_AGENT_DEFAULT_END_TIMEOUT;

  /* api-key, else $ASSEMBLYAI_API_KEY. */
  std::string effective_api_key() const;
  AgentConnectSettings connect_settings() const;
};

/* Which properties a set touches. */
enum class PropClass { None, Connection, Fixed, Changeable, Behaviour };
PropClass agent_prop_class(guint prop_id);

void install_agent_properties(GObjectClass *klass);
/* Applies a set; false if @prop_id is not one of ours. */
bool set_agent_property(AgentProps &p, guint prop_id, const GValue *value);
/* Reads one (not the read-only ones, which come from the driver). */
bool get_agent_property(const AgentProps &p, guint prop_id, GValue *value);

}  // namespace aai
