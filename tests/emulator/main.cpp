/* gst-assemblyai
 * Copyright (C) 2026 gst-assemblyai contributors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
/* Standalone AssemblyAI v3 emulator, for tests outside this process (the
 * JS-SDK interop test, benchmarks, the demo). Prints the ws[s]:// URL on
 * stdout, then serves until SIGINT/SIGTERM or --exit-after-sessions. It
 * behaves like the service by default (--mode=realistic, README.md). */
#include "agent_service.h"
#include "emulator.h"
#include "wav_file.h"

#include <cstdio>
#include <glib-unix.h>
#include <glib.h>

namespace
{

struct Options {
  gint port = 0;
  gchar *script = nullptr;
  gchar *agent_script = nullptr;
  gint64 agent_drop_at_audio_ms = -1;
  gchar **api_keys = nullptr;
  gchar *tls_cert = nullptr, *tls_key = nullptr;
  gchar *reference_audio = nullptr;
  gchar *mode = nullptr;
  gdouble time_scale = 1.0;
  gchar *pacing = nullptr;
  gchar *auth_failure = nullptr;
  gchar *format_turns_style = nullptr;
  gboolean default_speech_model = FALSE;
  gint processing_delay = -1;
  gint64 max_session_duration = 0;
  gint inactivity_close_code = 3005;
  gint rate_limit_close_code = 3009;
  gchar **team_tokens = nullptr;
  gint64 drop_at_audio_ms = -1;
  gint close_code = 0;
  gchar *close_reason = nullptr;
  gint64 close_at_audio_ms = 0;
  gboolean error_frame = FALSE;
  gint fault_sessions = -1;
  gint refuse_sessions = 0;
  gint64 random_drop_seed = 0;
  gint64 random_drop_min_ms = 1000, random_drop_max_ms = 10000;
  gint token_fail_status = 0;
  gint token_fail_count = -1;
  gboolean token_bad_json = FALSE, token_missing_field = FALSE;
  gint keypool_fail_status = 0;
  gint exit_after_sessions = 0;
  gboolean quiet = FALSE;
};

gboolean quit_loop(gpointer loop)
{
  g_main_loop_quit((GMainLoop *)loop);
  return G_SOURCE_REMOVE;
}

/* Signal sources stay installed until main removes them. */
gboolean on_signal(gpointer loop)
{
  g_main_loop_quit((GMainLoop *)loop);
  return G_SOURCE_CONTINUE;
}

}  // namespace

int main(int argc, char **argv)
{
  Options o;
  GOptionEntry entries[] = {
      {"port", 0, 0, G_OPTION_ARG_INT, &o.port, "Port (default 0: any)", "N"},
      {"script", 0, 0, G_OPTION_ARG_FILENAME, &o.script, "Transcript script",
       "FILE"},
      {"agent-script", 0, 0, G_OPTION_ARG_FILENAME, &o.agent_script,
       "The caller's turns for the Voice Agent API (/v1/ws, /v1/voice)",
       "FILE"},
      {"agent-drop-at-audio-ms", 0, 0, G_OPTION_ARG_INT64,
       &o.agent_drop_at_audio_ms,
       "Voice Agent: drop the connection (no close frame) once, when the "
       "caller's audio reaches MS (the session can be resumed)",
       "MS"},
      {"reference-audio", 0, 0, G_OPTION_ARG_FILENAME, &o.reference_audio,
       "The script's audio (WAV, as the client sends it): sessions that "
       "start mid-script (a client replaying audio after a reconnection) "
       "get the words of the audio they receive",
       "WAV"},
      {"api-key", 0, 0, G_OPTION_ARG_STRING_ARRAY, &o.api_keys,
       "Accepted API key (repeatable; default test-key)", "KEY"},
      {"tls-cert", 0, 0, G_OPTION_ARG_FILENAME, &o.tls_cert, "PEM certificate",
       "FILE"},
      {"tls-key", 0, 0, G_OPTION_ARG_FILENAME, &o.tls_key, "PEM private key",
       "FILE"},
      {"mode", 0, 0, G_OPTION_ARG_STRING, &o.mode,
       "realistic (default: throttle at 1.25x, 200-400 ms per Turn, Warning "
       "and unknown messages) | strict (realistic, but audio faster than "
       "real time is refused with 3007) | instant (no pacing, no delay, no "
       "extra messages)",
       "M"},
      {"time-scale", 0, 0, G_OPTION_ARG_DOUBLE, &o.time_scale,
       "Multiply every duration by X (0.05: 20x sooner; audio time is "
       "never scaled; default 1)",
       "X"},
      {"pacing", 0, 0, G_OPTION_ARG_STRING, &o.pacing,
       "Override the mode's pacing policy: off|strict|throttle", "P"},
      {"auth-failure", 0, 0, G_OPTION_ARG_STRING, &o.auth_failure,
       "Auth failures: http (401 at upgrade) | close (Error + 1008)", "M"},
      {"format-turns-style", 0, 0, G_OPTION_ARG_STRING, &o.format_turns_style,
       "format_turns=true sends: follow-up (default: the raw end of turn, "
       "then the same turn formatted) | every-message (every Turn "
       "formatted, no follow-up)",
       "S"},
      {"default-speech-model", 0, 0, G_OPTION_ARG_NONE, &o.default_speech_model,
       "speech_model defaults to English", nullptr},
      {"processing-delay", 0, 0, G_OPTION_ARG_INT, &o.processing_delay,
       "Override the mode's base delay before every Turn (and its spread: "
       "0)",
       "MS"},
      {"max-session-duration", 0, 0, G_OPTION_ARG_INT64,
       &o.max_session_duration, "Session limit in ms (3008)", "MS"},
      {"inactivity-close-code", 0, 0, G_OPTION_ARG_INT,
       &o.inactivity_close_code, "Close code on inactivity", "N"},
      {"rate-limit-close-code", 0, 0, G_OPTION_ARG_INT,
       &o.rate_limit_close_code, "Close code for refused sessions", "N"},
      {"keypool-team-token", 0, 0, G_OPTION_ARG_STRING_ARRAY, &o.team_tokens,
       "KeyPool team token (repeatable; default team-token)", "T"},
      {"fault-sessions", 0, 0, G_OPTION_ARG_INT, &o.fault_sessions,
       "Apply the drop/close faults to the first N sessions (default -1: "
       "every session)",
       "N"},
      {"drop-at-audio-ms", 0, 0, G_OPTION_ARG_INT64, &o.drop_at_audio_ms,
       "Drop the TCP connection at this audio time", "MS"},
      {"close-code", 0, 0, G_OPTION_ARG_INT, &o.close_code,
       "Close sessions with this code", "N"},
      {"close-reason", 0, 0, G_OPTION_ARG_STRING, &o.close_reason,
       "Reason for --close-code", "S"},
      {"close-at-audio-ms", 0, 0, G_OPTION_ARG_INT64, &o.close_at_audio_ms,
       "Audio time of the --close-code close (default 0: after Begin)", "MS"},
      {"error-frame", 0, 0, G_OPTION_ARG_NONE, &o.error_frame,
       "Send an Error frame before the --close-code close", nullptr},
      {"refuse-sessions", 0, 0, G_OPTION_ARG_INT, &o.refuse_sessions,
       "Refuse the first N sessions", "N"},
      {"random-drop-seed", 0, 0, G_OPTION_ARG_INT64, &o.random_drop_seed,
       "Drop every session at a reproducible random audio time (0: off)",
       "SEED"},
      {"random-drop-min-ms", 0, 0, G_OPTION_ARG_INT64, &o.random_drop_min_ms,
       "Earliest random drop (default 1000)", "MS"},
      {"random-drop-max-ms", 0, 0, G_OPTION_ARG_INT64, &o.random_drop_max_ms,
       "Latest random drop (default 10000)", "MS"},
      {"token-fail-status", 0, 0, G_OPTION_ARG_INT, &o.token_fail_status,
       "Answer token requests with this HTTP status", "N"},
      {"token-bad-json", 0, 0, G_OPTION_ARG_NONE, &o.token_bad_json,
       "Answer token requests with a body that is not JSON", nullptr},
      {"token-missing-field", 0, 0, G_OPTION_ARG_NONE, &o.token_missing_field,
       "Answer token requests with JSON lacking \"token\"", nullptr},
      {"token-fail-count", 0, 0, G_OPTION_ARG_INT, &o.token_fail_count,
       "Fail only the first N token requests (default -1: all)", "N"},
      {"keypool-fail-status", 0, 0, G_OPTION_ARG_INT, &o.keypool_fail_status,
       "Fail KeyPool upgrades and token requests with this status", "N"},
      {"exit-after-sessions", 0, 0, G_OPTION_ARG_INT, &o.exit_after_sessions,
       "Exit 0 once N sessions have closed", "N"},
      {"quiet", 0, 0, G_OPTION_ARG_NONE, &o.quiet, "No session log on stderr",
       nullptr},
      {}};
  GOptionContext *octx = g_option_context_new("- AssemblyAI v3 emulator");
  g_option_context_add_main_entries(octx, entries, nullptr);
  GError *err = nullptr;
  if (!g_option_context_parse(octx, &argc, &argv, &err)) {
    g_printerr("%s\n", err->message);
    g_error_free(err);
    g_option_context_free(octx);
    return 2;
  }
  g_option_context_free(octx);

  std::string mode = o.mode ? o.mode : "realistic";
  std::string error;
  aai_emu::Config cfg;
  if (mode == "realistic")
    cfg = aai_emu::Config::realistic();
  else if (mode == "strict")
    cfg = aai_emu::Config::strict();
  else if (mode == "instant")
    cfg = aai_emu::Config::instant();
  else
    error = "--mode must be realistic, strict or instant";
  int rc = 0;
  /* Nothing here reads a session's audio back, and a two-hour stream is
   * 230 MB of it: keep only the counts. */
  cfg.record_audio = false;
  cfg.time_scale = o.time_scale;
  cfg.port = o.port;
  if (o.api_keys) {
    cfg.api_keys.clear();
    for (gchar **k = o.api_keys; *k; k++)
      cfg.api_keys.emplace_back(*k);
  }
  if (o.team_tokens) {
    cfg.keypool_team_tokens.clear();
    for (gchar **k = o.team_tokens; *k; k++)
      cfg.keypool_team_tokens.emplace_back(*k);
  }
  if (o.tls_cert)
    cfg.tls_cert_file = o.tls_cert;
  if (o.tls_key)
    cfg.tls_key_file = o.tls_key;
  std::string pacing = o.pacing ? o.pacing : "";
  std::string auth = o.auth_failure ? o.auth_failure : "http";
  if (pacing == "off")
    cfg.pacing = aai_emu::PacingPolicy::Off;
  else if (pacing == "strict")
    cfg.pacing = aai_emu::PacingPolicy::Strict;
  else if (pacing == "throttle")
    cfg.pacing = aai_emu::PacingPolicy::Throttle;
  else if (!pacing.empty())
    error = "--pacing must be off, strict or throttle";
  if (!(o.time_scale > 0))
    error = "--time-scale must be a positive number (1 = real time)";
  std::string fts = o.format_turns_style ? o.format_turns_style : "follow-up";
  if (fts == "every-message")
    cfg.format_turns_style = aai_emu::FormatTurnsStyle::EveryMessage;
  else if (fts != "follow-up")
    error = "--format-turns-style must be follow-up or every-message";
  if (auth == "close")
    cfg.auth_failure = aai_emu::AuthFailureMode::ErrorFrameClose;
  else if (auth != "http")
    error = "--auth-failure must be http or close";
  if ((o.tls_cert == nullptr) != (o.tls_key == nullptr))
    error = "--tls-cert and --tls-key go together";
  cfg.require_speech_model = !o.default_speech_model;
  if (o.processing_delay >= 0) {
    cfg.processing_delay_ms = o.processing_delay;
    cfg.processing_delay_spread_ms = 0;
  }
  cfg.max_session_duration_ms = o.max_session_duration;
  cfg.inactivity_close_code = o.inactivity_close_code;
  cfg.rate_limit_close_code = o.rate_limit_close_code;
  if (o.random_drop_seed < 0 || o.random_drop_seed > G_MAXUINT32)
    error = "--random-drop-seed must be between 0 and 4294967295";
  if (error.empty() && o.script)
    aai_emu::Script::load_file(o.script, &cfg.script, &error);
  if (error.empty() && o.reference_audio) {
    std::string pcm;
    if (aai_emu::read_wav_data(o.reference_audio, &pcm, &error))
      cfg.reference_audio = std::make_shared<const std::string>(std::move(pcm));
  }
  aai_emu::AgentEmuConfig agent_cfg;
  agent_cfg.api_keys = cfg.api_keys;
  if (error.empty() && o.agent_script)
    aai_emu::Script::load_file(o.agent_script, &agent_cfg.script, &error);

  if (!error.empty()) {
    g_printerr("assemblyai-emulator: %s\n", error.c_str());
    rc = 2;
  } else {
    GMainLoop *loop = g_main_loop_new(nullptr, FALSE);
    aai_emu::Emulator emu;
    if (!o.quiet)
      emu.set_event_logger([](const std::string &line) {
        g_printerr("emulator: %s\n", line.c_str());
      });
    aai_emu::FaultPlan plan;
    plan.apply_to_sessions = o.fault_sessions;
    plan.drop_at_audio_ms = o.drop_at_audio_ms;
    plan.close_code = o.close_code;
    plan.close_reason = o.close_reason ? o.close_reason : "";
    plan.close_at_audio_ms = o.close_at_audio_ms;
    plan.send_error_frame = o.error_frame;
    plan.refuse_sessions = o.refuse_sessions;
    plan.random_drop_seed = (uint32_t)o.random_drop_seed;
    plan.random_drop_min_ms = o.random_drop_min_ms;
    plan.random_drop_max_ms = o.random_drop_max_ms;
    plan.token_fail_status = o.token_fail_status;
    plan.token_bad_json = o.token_bad_json;
    plan.token_bad_json_missing_field = o.token_missing_field;
    plan.token_fail_count = o.token_fail_count;
    plan.keypool_fail_status = o.keypool_fail_status;
    emu.set_fault_plan(plan);
    emu.agent().configure(agent_cfg);
    aai_emu::AgentFaults agent_faults;
    agent_faults.drop_at_audio_ms = o.agent_drop_at_audio_ms;
    emu.agent().set_faults(agent_faults);
    if (!emu.start(cfg, &error)) {
      g_printerr("assemblyai-emulator: %s\n", error.c_str());
      rc = 1;
    } else {
      printf("%s\n", emu.ws_url().c_str());
      fflush(stdout);
      guint sigint = g_unix_signal_add(SIGINT, on_signal, loop);
      guint sigterm = g_unix_signal_add(SIGTERM, on_signal, loop);
      /* --exit-after-sessions: a watcher thread waits on the records. */
      GThread *watcher = nullptr;
      struct Watch {
        aai_emu::Emulator *emu;
        int n;
        GMainLoop *loop;
        gint stop;
      } watch{&emu, o.exit_after_sessions, loop, 0};
      if (o.exit_after_sessions > 0)
        watcher = g_thread_new(
            "exit-watch",
            [](gpointer d) -> gpointer {
              auto w = (Watch *)d;
              while (!w->emu->wait_for(
                  [&](const std::vector<aai_emu::SessionRecord> &rs) {
                    int closed = 0;
                    for (auto &r : rs)
                      closed += (r.closed || r.rejected) ? 1 : 0;
                    return closed >= w->n || g_atomic_int_get(&w->stop);
                  },
                  200)) {
              }
              /* Quit from the loop's own context so a quit can't be lost
               * before the loop runs. */
              GSource *src = g_idle_source_new();
              g_source_set_callback(src, quit_loop, w->loop, nullptr);
              g_source_attach(src, nullptr);
              g_source_unref(src);
              return nullptr;
            },
            &watch);
      g_main_loop_run(loop);
      if (watcher) {
        g_atomic_int_set(&watch.stop, 1);
        g_thread_join(watcher);
      }
      g_source_remove(sigint);
      g_source_remove(sigterm);
      emu.stop();
    }
    g_main_loop_unref(loop);
  }
  g_free(o.script);
  g_free(o.agent_script);
  g_strfreev(o.api_keys);
  g_strfreev(o.team_tokens);
  g_free(o.tls_cert);
  g_free(o.tls_key);
  g_free(o.mode);
  g_free(o.pacing);
  g_free(o.auth_failure);
  g_free(o.format_turns_style);
  g_free(o.close_reason);
  return rc;
}
