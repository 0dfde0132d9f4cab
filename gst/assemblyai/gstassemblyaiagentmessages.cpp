/* gst-assemblyai
 * Copyright (C) 2026 gst-assemblyai contributors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "gstassemblyaiagentmessages.h"

#include "gstassemblyaierrors.h"

namespace aai
{

namespace
{
/* Fills the typed fields of each event's message. */
struct Fields {
  GstStructure *s;
  bool resumed;

  void str(const char *name, const std::string &v)
  {
    gst_structure_set(s, name, G_TYPE_STRING, v.c_str(), nullptr);
  }
  const char *operator()(const AgentSessionReady &e)
  {
    str("session-id", e.session_id);
    gst_structure_set(s, "resumed", G_TYPE_BOOLEAN, resumed, nullptr);
    return "session-ready";
  }
  const char *operator()(const AgentSessionUpdated &)
  {
    return "session-updated";
  }
  const char *operator()(const AgentSessionError &e)
  {
    str("code", e.code);
    str("message", e.message);
    return "session-error";
  }
  const char *operator()(const AgentSessionEnded &) { return "session-ended"; }
  const char *operator()(const AgentSpeechStarted &)
  {
    return "speech-started";
  }
  const char *operator()(const AgentSpeechStopped &)
  {
    return "speech-stopped";
  }
  const char *operator()(const AgentUserDelta &e)
  {
    str("text", e.text);
    return "user-transcript-delta";
  }
  const char *operator()(const AgentUserTranscript &e)
  {
    str("text", e.text);
    str("item-id", e.item_id);
    return "user-transcript";
  }
  const char *operator()(const AgentReplyStarted &e)
  {
    str("reply-id", e.reply_id);
    return "reply-started";
  }
  const char *operator()(const AgentReplyAudio &) { return "reply-audio"; }
  const char *operator()(const AgentTranscript &e)
  {
    str("text", e.text);
    str("reply-id", e.reply_id);
    str("item-id", e.item_id);
    gst_structure_set(s, "interrupted", G_TYPE_BOOLEAN, e.interrupted, nullptr);
    return "transcript";
  }
  const char *operator()(const AgentReplyDone &e)
  {
    str("status", e.status);
    str("reply-id", e.reply_id);
    return "reply-done";
  }
  const char *operator()(const AgentToolCall &e)
  {
    str("call-id", e.call_id);
    str("name", e.name);
    str("arguments", e.arguments);
    return "tool-call";
  }
  const char *operator()(const AgentOtherEvent &e)
  {
    str("type", e.type);
    return "event";
  }
};
}  // namespace

GstStructure *agent_event_structure(const AgentEvent &ev,
                                    const std::string &raw,
                                    bool resumed,
                                    GstClockTime running_time)
{
  GstStructure *s = gst_structure_new_empty("assemblyai/agent");
  const char *what = std::visit(Fields{s, resumed}, ev);
  std::string name = std::string("assemblyai/agent-") + what;
  gst_structure_set_name(s, name.c_str());
  gst_structure_set(s, "running-time", G_TYPE_UINT64, running_time, "raw",
                    G_TYPE_STRING, raw.c_str(), nullptr);
  return s;
}

GstStructure *agent_problem_details(const AgentProblem &p,
                                    const std::string &url)
{
  GstStructure *s = error_details(p.close_code, p.reason, p.http_status, url);
  if (!p.code.empty())
    gst_structure_set(s, "code", G_TYPE_STRING, p.code.c_str(), nullptr);
  return s;
}

void agent_problem_domain(const AgentProblem &p, GQuark *domain, gint *code)
{
  *domain = GST_RESOURCE_ERROR;
  switch (p.kind) {
    case AgentProblem::Kind::Settings:
      *code = GST_RESOURCE_ERROR_SETTINGS;
      return;
    case AgentProblem::Kind::Auth:
      *code = GST_RESOURCE_ERROR_NOT_AUTHORIZED;
      return;
    case AgentProblem::Kind::NotFound:
      *code = GST_RESOURCE_ERROR_NOT_FOUND;
      return;
    case AgentProblem::Kind::Busy:
      *code = GST_RESOURCE_ERROR_BUSY;
      return;
    case AgentProblem::Kind::Connection:
      *code = GST_RESOURCE_ERROR_OPEN_READ_WRITE;
      return;
    case AgentProblem::Kind::Protocol:
      *domain = GST_STREAM_ERROR;
      *code = GST_STREAM_ERROR_DECODE;
      return;
  }
}

}  // namespace aai
