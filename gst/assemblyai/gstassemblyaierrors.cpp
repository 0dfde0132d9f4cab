/* gst-assemblyai
 * Copyright (C) 2026 gst-assemblyai contributors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "gstassemblyaierrors.h"

#include "close_codes.h"
#include "gstassemblyaiprops.h"

namespace aai
{

namespace
{
Explained upgrade_refused(const EndReport &r, const std::string &url)
{
  Explained e;
  int st = r.http_status;
  std::string what = "The service refused the connection to " + url +
                     " with HTTP " + std::to_string(st) +
                     (r.http_reason.empty() ? "" : " " + r.http_reason) + ".";
  if (st == 401 || st == 403) {
    e.code = GST_RESOURCE_ERROR_NOT_AUTHORIZED;
    e.summary = "The API key or token was not accepted.";
    e.text = what + " Check the api-key property or " + ASSEMBLYAI_API_KEY_ENV +
             " (or use a fresh temporary token).";
  } else if (st == 429) {
    e.code = GST_RESOURCE_ERROR_BUSY;
    e.summary = "Too many sessions.";
    e.text = what +
             " The account's new-session rate limit was hit; retry later "
             "or raise the limit.";
  } else if (st == 404 || st == 410) {
    e.code = GST_RESOURCE_ERROR_NOT_FOUND;
    e.summary = "Wrong streaming URL.";
    e.text = what + " Check the url property (the v3 endpoint is " +
             ASSEMBLYAI_DEFAULT_URL + ").";
  } else {
    e.code = GST_RESOURCE_ERROR_OPEN_READ_WRITE;
    e.summary = "Could not open a streaming session.";
    e.text = what +
             (st >= 500 ? " The service is unavailable; try again later." : "");
  }
  return e;
}

/* The server broke the WebSocket protocol: its fault, not the network's
 * nor ours. */
Explained violation(const EndReport &r, const std::string &url)
{
  Explained e;
  e.domain = GST_STREAM_ERROR;
  e.code = GST_STREAM_ERROR_DECODE;
  e.summary = "The service sent data that breaks the protocol.";
  std::string what;
  switch (r.server_violation) {
    case 1009:
      what = "a message larger than " +
             std::to_string(kMaxIncomingMessage >> 20) +
             " MiB (the largest a Turn can be)";
      break;
    case 1007:
      what = "a text message that is not valid UTF-8";
      break;
    default:
      what = "a malformed WebSocket frame";
      break;
  }
  e.text = "The server at " + url + " sent " + what +
           ", so the connection was closed (code " +
           std::to_string(r.server_violation) +
           "). This is a fault of the server or of a proxy in between, not "
           "of the network or this element; check the url property.";
  return e;
}
}  // namespace

Explained explain_end(const EndReport &r, const std::string &url)
{
  Explained e;
  if (r.server_violation)
    return violation(r, url);
  std::string frame;
  if (r.error_frame)
    frame = " The service said: " + r.error_frame->error;

  switch (r.kind) {
    case EndReport::Kind::UpgradeRefused:
      return upgrade_refused(r, url);
    case EndReport::Kind::ConnectFailed:
    case EndReport::Kind::Timeout: {
      std::string what =
          r.kind == EndReport::Kind::Timeout
              ? "The server at " + url +
                    " accepted the connection but no session began (no "
                    "Begin message) within the connect-timeout."
              : "Could not connect to " + url + ": " + r.transport_error + ".";
      if (r.tls_error)
        what +=
            " The server's TLS certificate was not accepted (see tls-ca-file "
            "and tls-strict).";
      e.code = GST_RESOURCE_ERROR_OPEN_READ_WRITE;
      e.summary = r.kind == EndReport::Kind::Timeout
                      ? "No AssemblyAI session began."
                      : "Could not connect to AssemblyAI.";
      e.text = what + " Check the url property and the network.";
      return e;
    }
    case EndReport::Kind::Stalled:
      e.code = GST_RESOURCE_ERROR_READ;
      e.summary = "The service did not finish the transcript.";
      e.text = "The session at " + url +
               (r.began ? " got the end of the audio (Terminate) but sent no "
                          "Termination within terminate-timeout, so the last "
                          "turns are missing."
                        : " never began.") +
               " The server stalled or answers too slowly; raise "
               "terminate-timeout if the network is slow.";
      return e;
    case EndReport::Kind::Normal:
    case EndReport::Kind::Closed:
    case EndReport::Kind::Cancelled: {
      CloseInfo ci = classify_close(r.close_code, r.close_reason);
      e.text = describe_close(r.close_code, r.close_reason) + frame;
      e.summary = "The streaming session ended.";
      switch (ci.klass) {
        case CloseClass::Auth:
          e.code = GST_RESOURCE_ERROR_NOT_AUTHORIZED;
          e.summary = "The API key or token was not accepted.";
          break;
        case CloseClass::RateLimit:
          e.code = GST_RESOURCE_ERROR_BUSY;
          e.summary = "Too many sessions.";
          break;
        case CloseClass::ClientBug:
          e.domain = GST_STREAM_ERROR;
          e.code = GST_STREAM_ERROR_FAILED;
          e.summary = "The service rejected what was sent.";
          break;
        case CloseClass::Normal:
          e.summary =
              "The service ended the session before the end of the stream.";
          break;
        case CloseClass::Retryable:
          if (r.close_code == 1006)
            e.summary = "The connection to AssemblyAI was lost.";
          break;
      }
      if (r.close_code == 1006 && !r.transport_error.empty())
        e.text += " (" + r.transport_error + ")";
      return e;
    }
  }
  return e;
}

Explained explain_credential(const CredentialFailure &f)
{
  Explained e;
  e.domain = GST_RESOURCE_ERROR;
  switch (f.problem) {
    case CredentialFailure::Problem::NotAuthorized:
      e.code = GST_RESOURCE_ERROR_NOT_AUTHORIZED;
      break;
    case CredentialFailure::Problem::Settings:
      e.code = GST_RESOURCE_ERROR_SETTINGS;
      break;
    case CredentialFailure::Problem::Busy:
      e.code = GST_RESOURCE_ERROR_BUSY;
      break;
    case CredentialFailure::Problem::Unreachable:
      e.code = GST_RESOURCE_ERROR_OPEN_READ_WRITE;
      break;
  }
  e.summary = f.summary;
  e.text = f.text;
  return e;
}

GstStructure *error_details(int close_code,
                            const std::string &reason,
                            int http_status,
                            const std::string &url)
{
  return gst_structure_new("assemblyai/error-details", "close-code", G_TYPE_INT,
                           close_code, "reason", G_TYPE_STRING, reason.c_str(),
                           "http-status", G_TYPE_INT, http_status, "url",
                           G_TYPE_STRING, url.c_str(), nullptr);
}

void post_problem(GstElement *owner,
                  GstMessageType type,
                  const Explained &e,
                  const std::string &extra,
                  GstStructure *details)
{
  gst_element_message_full_with_details(
      owner, type, e.domain, e.code, g_strdup(e.summary.c_str()),
      g_strdup((e.text + extra).c_str()), __FILE__, GST_FUNCTION, __LINE__,
      details);
}

}  // namespace aai
