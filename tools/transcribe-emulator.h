/* gst-assemblyai
 * Copyright (C) 2026 gst-assemblyai contributors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
/* assemblyai-transcribe --emulator: runs the bundled AssemblyAI emulator
 * (the assemblyai-emulator program) on 127.0.0.1 for the length of the
 * run, with a one-off API key. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct _Emulator Emulator;

/* Starts the program (@script: its transcript script, or NULL) and waits
 * for the URL it prints. NULL with @error if it cannot. */
Emulator *emulator_start(const gchar *script, GError **error);
const gchar *emulator_url(const Emulator *e);
const gchar *emulator_api_key(const Emulator *e);
/* Stops the program and frees @e. */
void emulator_stop(Emulator *e);

G_END_DECLS
