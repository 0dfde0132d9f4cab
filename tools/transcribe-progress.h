/* gst-assemblyai
 * Copyright (C) 2026 gst-assemblyai contributors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
/* assemblyai-transcribe: how far the transcription is, on stderr.
 *
 * On a terminal a bar redrawn in place (position, real-time factor, time
 * left); otherwise plain `progress:` lines, at most one every few seconds
 * and one at the end, for logs. The numbers come from the element's
 * `assemblyai/progress` messages when it posts them, else from position
 * and duration queries on the pipeline and the wall clock. */
#pragma once

#include <gst/gst.h>

G_BEGIN_DECLS

typedef struct _Progress Progress;

Progress *progress_new(GstElement *pipeline, gboolean tty);
/* An `assemblyai/progress` structure (others are ignored). */
void progress_add_message(Progress *p, const GstStructure *s);
/* Samples the pipeline and redraws (call a few times a second). */
void progress_update(Progress *p);
/* Erases the bar so a line of text can be printed (tty only). */
void progress_clear(Progress *p);
/* The last bar / line, at 100% when @done. */
void progress_finish(Progress *p, gboolean done);
/* Audio covered so far and wall time since the start. */
GstClockTime progress_position(const Progress *p);
GstClockTime progress_duration(const Progress *p);
gdouble progress_elapsed(const Progress *p);
void progress_free(Progress *p);

/* "1:02:03" / "2:03" / "0:07". */
gchar *progress_format_time(GstClockTime t);

G_END_DECLS
