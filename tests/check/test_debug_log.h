/* gst-assemblyai
 * Copyright (C) 2026 gst-assemblyai contributors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
/* The secrets tests of the element suites: a pipeline run by
 * gst-launch-1.0 at the most verbose debug level, whose whole output is then
 * searched for keys and tokens. Not for ASan builds: the child
 * gst-launch-1.0 is not sanitized and cannot load the ASan-built plugin. */
#pragma once

#include <gst/check/gstcheck.h>

#include <string>
#include <vector>

/* Runs gst-launch-1.0 with GST_DEBUG=@debug (default *:9) and
 * @env_extra; returns its whole output (stdout and stderr). */
inline std::string launch_with_full_debug(
    const std::string &pipeline,
    const std::vector<std::string> &env_extra,
    const char *debug = "*:9")
{
  gchar *launch = g_find_program_in_path("gst-launch-1.0");
  fail_unless(launch != nullptr, "gst-launch-1.0 not found");
  gchar **env = g_get_environ();
  env = g_environ_setenv(env, "GST_DEBUG", debug, TRUE);
  env = g_environ_setenv(env, "GST_DEBUG_NO_COLOR", "1", TRUE);
  /* The child is not a test: no leak tracer output to sift through. */
  env = g_environ_unsetenv(env, "GST_TRACERS");
  for (const auto &kv : env_extra) {
    size_t eq = kv.find('=');
    env = g_environ_setenv(env, kv.substr(0, eq).c_str(),
                           kv.substr(eq + 1).c_str(), TRUE);
  }
  gchar **argv = nullptr;
  GError *err = nullptr;
  std::string cmd = std::string(launch) + " -m " + pipeline;
  fail_unless(g_shell_parse_argv(cmd.c_str(), nullptr, &argv, &err), "%s",
              err ? err->message : "");
  gchar *out = nullptr, *errout = nullptr;
  gint status = 0;
  fail_unless(g_spawn_sync(nullptr, argv, env, G_SPAWN_DEFAULT, nullptr,
                           nullptr, &out, &errout, &status, &err),
              "%s", err ? err->message : "");
  std::string all = std::string(out ? out : "") + (errout ? errout : "");
  fail_unless(g_spawn_check_wait_status(status, nullptr),
              "gst-launch failed: %.2000s",
              all.c_str() + (all.size() > 4000 ? all.size() - 4000 : 0));
  g_free(out);
  g_free(errout);
  g_strfreev(argv);
  g_strfreev(env);
  g_free(launch);
  return all;
}
