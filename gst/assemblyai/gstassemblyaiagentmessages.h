/* gst-assemblyai
 * Copyright (C) 2026 gst-assemblyai contributors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
/* The bus messages of assemblyaivoiceagent: one element message per server
 * event (but reply.audio), named assemblyai/agent-<event>, with typed
 * fields, the output's running time when the event was handled, and the
 * raw JSON (every field is listed in the element's SECTION comment). */
#pragma once

#include <string>

#include <gst/gst.h>

#include "agent_problem.h"
#include "agent_protocol.h"

namespace aai
{

/* The message structure for @ev. @resumed: session.ready of a resumed
 * session. @running_time: the output's running time when it was handled
 * (GST_CLOCK_TIME_NONE before the output started). */
GstStructure *agent_event_structure(const AgentEvent &ev,
                                    const std::string &raw,
                                    bool resumed,
                                    GstClockTime running_time);

/* The "assemblyai/error-details" structure of a warning or error (the
 * other elements' fields, plus "code" when the service named one). */
GstStructure *agent_problem_details(const AgentProblem &p,
                                    const std::string &url);

/* The GStreamer error domain and code of @p. */
void agent_problem_domain(const AgentProblem &p, GQuark *domain, gint *code);

}  // namespace aai
