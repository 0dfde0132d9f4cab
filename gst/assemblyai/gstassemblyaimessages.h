/* gst-assemblyai
 * Copyright (C) 2026 gst-assemblyai contributors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
/* The element messages both elements post (`assemblyai/begin`, `/turn`,
 * `/speech-started`, `/termination`, `/reconnect`; every field is
 * documented in the SECTION comment of gstassemblyaisink.cpp), built from
 * the stream machine's notices. Times are level-style GstClockTime fields
 * of the input timeline. */
#pragma once

#include <string>

#include <gst/gst.h>

#include "stream_machine.h"

namespace aai
{

/* The message structure for a server event, or NULL when it has none
 * (Error frames are reported with the close that follows; Warning and
 * unknown types are not messages; partial turns only with @partials). */
GstStructure *event_structure(const EventNotice &n, bool partials);

GstStructure *reconnect_structure(const ReconnectNotice &n);
/* assemblyai/progress, with the input's @duration (stream time, or
 * GST_CLOCK_TIME_NONE when unknown). */
GstStructure *progress_structure(const ProgressNotice &n,
                                 GstClockTime duration);
/* The text of the warning that goes with a reconnection. */
std::string reconnect_text(const ReconnectNotice &n);

}  // namespace aai
