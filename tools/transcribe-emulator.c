/* gst-assemblyai
 * Copyright (C) 2026 gst-assemblyai contributors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "transcribe-emulator.h"

#include <gio/gio.h>
#include <signal.h>

struct _Emulator {
  GSubprocess *proc;
  gchar *url;
  gchar *key;
};

/* $ASSEMBLYAI_EMULATOR (a build tree's copy), the installed program, or
 * the one on PATH. */
static gchar *find_program(void)
{
  const gchar *env = g_getenv("ASSEMBLYAI_EMULATOR");
  if (env && *env)
    return g_strdup(env);
  if (g_file_test(EMULATOR_INSTALLED, G_FILE_TEST_IS_EXECUTABLE))
    return g_strdup(EMULATOR_INSTALLED);
  return g_find_program_in_path("assemblyai-emulator");
}

Emulator *emulator_start(const gchar *script, GError **error)
{
  gchar *program = find_program();
  GPtrArray *argv;
  GInputStream *out;
  GDataInputStream *lines;
  Emulator *e;

  if (!program) {
    g_set_error(error, G_SPAWN_ERROR, G_SPAWN_ERROR_NOENT,
                "the assemblyai-emulator program is not installed (Debian "
                "package gstreamer1.0-assemblyai-emulator, or meson "
                "-Demulator=enabled; ASSEMBLYAI_EMULATOR=PATH names a copy)");
    return NULL;
  }
  e = g_new0(Emulator, 1);
  e->key = g_strdup_printf("emulator-%08x%08x", g_random_int(), g_random_int());
  argv = g_ptr_array_new();
  g_ptr_array_add(argv, program);
  g_ptr_array_add(argv, (gpointer) "--port=0");
  g_ptr_array_add(argv, (gpointer) "--quiet");
  g_ptr_array_add(argv, (gpointer) "--api-key");
  g_ptr_array_add(argv, e->key);
  if (script) {
    g_ptr_array_add(argv, (gpointer) "--script");
    g_ptr_array_add(argv, (gpointer)script);
  }
  g_ptr_array_add(argv, NULL);
  e->proc = g_subprocess_newv((const gchar *const *)argv->pdata,
                              G_SUBPROCESS_FLAGS_STDOUT_PIPE, error);
  g_ptr_array_free(argv, TRUE);
  g_free(program);
  if (!e->proc) {
    emulator_stop(e);
    return NULL;
  }
  /* Its first line is the URL; it prints it once it listens, or exits. */
  out = g_subprocess_get_stdout_pipe(e->proc);
  lines = g_data_input_stream_new(out);
  e->url = g_data_input_stream_read_line(lines, NULL, NULL, error);
  g_object_unref(lines);
  if (!e->url || !g_str_has_prefix(e->url, "ws")) {
    if (error && !*error)
      g_set_error(error, G_SPAWN_ERROR, G_SPAWN_ERROR_FAILED,
                  "the emulator exited without starting (is the transcript "
                  "script %s valid?)",
                  script ? script : "(none)");
    emulator_stop(e);
    return NULL;
  }
  return e;
}

const gchar *emulator_url(const Emulator *e)
{
  return e->url;
}

const gchar *emulator_api_key(const Emulator *e)
{
  return e->key;
}

void emulator_stop(Emulator *e)
{
  if (e->proc) {
    g_subprocess_send_signal(e->proc, SIGTERM);
    g_subprocess_wait(e->proc, NULL, NULL);
    g_object_unref(e->proc);
  }
  g_free(e->url);
  g_free(e->key);
  g_free(e);
}
