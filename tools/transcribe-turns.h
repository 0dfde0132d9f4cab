/* gst-assemblyai
 * Copyright (C) 2026 gst-assemblyai contributors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
/* assemblyai-transcribe: `assemblyai/turn` bus messages -> complete turns
 * -> the .txt and .json outputs and the turns printed as they come.
 *
 * A turn is complete at its end of turn, or, when formatted turns are
 * expected, when its formatted copy arrives (or, should that never come,
 * when the next turn starts or the stream ends). */
#pragma once

#include <gst/gst.h>
#include <stdio.h>

G_BEGIN_DECLS

typedef struct _TurnWriter TurnWriter;

/* Called with each complete turn's line (e.g. "A: Hello world."). */
typedef void (*TurnPrintFunc)(const gchar *line,
                              GstClockTime start,
                              gpointer user_data);

TurnWriter *turn_writer_new(void);
/* Whether each turn's formatted copy is to be waited for (format-turns). */
void turn_writer_set_expect_formatted(TurnWriter *w, gboolean expect);
/* Takes @txt / @json (may be NULL); turn_writer_finish closes them. */
void turn_writer_set_outputs(TurnWriter *w, FILE *txt, FILE *json);
void turn_writer_set_print(TurnWriter *w, TurnPrintFunc func, gpointer data);
/* Describes the run in the JSON document (input, model, ...). */
void turn_writer_set_info(TurnWriter *w, const gchar *key, const gchar *value);

/* An `assemblyai/turn` structure; others are ignored. */
void turn_writer_add(TurnWriter *w, const GstStructure *turn);
/* Completes a turn still waiting, writes the JSON document and closes the
 * files; FALSE (with @error) when a file could not be written. */
gboolean turn_writer_finish(TurnWriter *w,
                            GstClockTime audio_duration,
                            GError **error);
guint turn_writer_n_turns(const TurnWriter *w);
guint turn_writer_n_words(const TurnWriter *w);
void turn_writer_free(TurnWriter *w);

G_END_DECLS
