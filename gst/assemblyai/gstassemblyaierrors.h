/* gst-assemblyai
 * Copyright (C) 2026 gst-assemblyai contributors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
/* What the end of a session or a missing credential means for the user:
 * the GStreamer error domain and code, a one-line summary and a text that
 * names the cause and the fix. Also the `assemblyai/error-details`
 * structure attached to every such error and warning. */
#pragma once

#include <string>

#include <gst/gst.h>

#include "session.h"
#include "stream_machine.h"

namespace aai
{

struct Explained {
  GQuark domain = GST_RESOURCE_ERROR;
  gint code = GST_RESOURCE_ERROR_READ;
  std::string summary;
  std::string text;
};

/* An unexpected end of a session at @url (redacted). */
Explained explain_end(const EndReport &r, const std::string &url);
/* No credential could be had. */
Explained explain_credential(const CredentialFailure &f);

/* "assemblyai/error-details": close-code, reason, http-status, url. */
GstStructure *error_details(int close_code,
                            const std::string &reason,
                            int http_status,
                            const std::string &url);

/* Posts an error or warning message from @owner (no lock may be held:
 * bus sync handlers run inside). Takes @details. */
void post_problem(GstElement *owner,
                  GstMessageType type,
                  const Explained &e,
                  const std::string &extra,
                  GstStructure *details);

}  // namespace aai
