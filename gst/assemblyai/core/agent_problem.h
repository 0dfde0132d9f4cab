/* gst-assemblyai
 * Copyright (C) 2026 gst-assemblyai contributors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
/* What went wrong with a Voice Agent connection, in words for the user and
 * in a kind the element maps onto a GStreamer error domain and code. */
#pragma once

#include <string>

#include "session.h"

namespace aai
{

struct AgentProblem {
  enum class Kind {
    Settings,   /* the service refused the configuration */
    Auth,       /* key or token refused, or no credential left */
    NotFound,   /* wrong URL */
    Busy,       /* rate limited */
    Connection, /* could not connect, or the connection was lost */
    Protocol,   /* the service sent something we cannot use */
  };
  Kind kind = Kind::Connection;
  std::string summary; /* one sentence */
  std::string detail;  /* what happened and what to do */
  int http_status = 0;
  int close_code = 0;
  /* The close reason or the service's error text, as sent. */
  std::string reason;
  std::string code; /* session.error code, if that is the cause */
};

AgentProblem agent_problem(AgentProblem::Kind kind,
                           std::string summary,
                           std::string detail);

/* Why a connection to @url (shown redacted) ended, and what to do. */
AgentProblem explain_agent_end(const EndReport &r, const std::string &url);

}  // namespace aai
