/* gst-assemblyai
 * Copyright (C) 2026 gst-assemblyai contributors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "agent_problem.h"

namespace aai
{

AgentProblem agent_problem(AgentProblem::Kind kind,
                           std::string summary,
                           std::string detail)
{
  AgentProblem p;
  p.kind = kind;
  p.summary = std::move(summary);
  p.detail = std::move(detail);
  return p;
}

AgentProblem explain_agent_end(const EndReport &r, const std::string &url)
{
  AgentProblem p;
  p.http_status = r.http_status;
  p.close_code = r.close_code;
  p.reason = r.close_reason;
  switch (r.kind) {
    case EndReport::Kind::UpgradeRefused: {
      int st = r.http_status;
      std::string what = "The Voice Agent service refused the connection to " +
                         url + " with HTTP " + std::to_string(st) +
                         (r.http_reason.empty() ? "" : " " + r.http_reason) +
                         ".";
      if (st == 401 || st == 403) {
        p.kind = AgentProblem::Kind::Auth;
        p.summary = "The API key or token was not accepted.";
        p.detail = what +
                   " Check api-key (sent as \"Authorization: Bearer\") or "
                   "ASSEMBLYAI_API_KEY; a temporary token works for one "
                   "connection only.";
      } else if (st == 404 || st == 410) {
        p.kind = AgentProblem::Kind::NotFound;
        p.summary = "Wrong Voice Agent URL.";
        p.detail = what +
                   " Check the url property (the endpoint is "
                   "wss://agents.assemblyai.com/v1/ws; older documents say "
                   "/v1/voice).";
      } else if (st == 429) {
        p.kind = AgentProblem::Kind::Busy;
        p.summary = "Too many sessions.";
        p.detail = what + " The account's rate limit was hit; retry later.";
      } else {
        p.summary = "Could not open a Voice Agent session.";
        p.detail = what + (st >= 500 ? " The service is unavailable; try "
                                       "again later."
                                     : "");
      }
      return p;
    }
    case EndReport::Kind::ConnectFailed:
    case EndReport::Kind::Timeout:
      p.summary = "Could not connect to the Voice Agent service.";
      p.detail =
          r.kind == EndReport::Kind::Timeout
              ? "No connection to " + url + " within connect-timeout."
              : "Could not connect to " + url + ": " + r.transport_error + ".";
      if (r.tls_error)
        p.detail +=
            " The server's TLS certificate was not accepted (see "
            "tls-ca-file and tls-strict).";
      p.detail += " Check the url property and the network.";
      return p;
    case EndReport::Kind::Normal:
    case EndReport::Kind::Closed:
    case EndReport::Kind::Cancelled:
    case EndReport::Kind::Stalled: /* a v3 stream's, not set for the agent */
      break;
  }
  if (r.close_code == 1006 || r.close_code == 0) {
    p.summary = "The connection to the Voice Agent service was lost.";
    p.detail =
        "The connection to " + url + " dropped" +
        (r.transport_error.empty() ? "" : " (" + r.transport_error + ")") + ".";
  } else {
    p.summary = "The Voice Agent service closed the connection.";
    p.detail = "The service closed the connection to " + url + " with code " +
               std::to_string(r.close_code) +
               (r.close_reason.empty() ? "" : " (" + r.close_reason + ")") +
               ".";
    if (r.close_code == 1008) {
      p.kind = AgentProblem::Kind::Auth;
      p.detail += " Check the API key or token.";
    }
  }
  return p;
}

}  // namespace aai
