/* gst-assemblyai
 * Copyright (C) 2026 gst-assemblyai contributors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
/* assemblyai-transcribe: transcribes anything GStreamer can decode (a
 * file, a URI, or a live device with --live) with the assemblyaitranscriber
 * element into any number of .srt, .vtt, .txt and .json files.
 *
 * The pipeline is
 *   INPUT ! audioconvert ! audioresample ! assemblyaitranscriber
 *     caption_src ! tee ! queue ! srtenc|webvttenc ! filesink   (per file)
 * and the .txt / .json outputs are written from the `assemblyai/turn` bus
 * messages (transcribe-turns.c). Exit codes are listed in `--help` and in
 * docs/transcribe.md; errors are one line on stderr. */
#include <errno.h>
#include <glib-unix.h>
#include <glib/gstdio.h>
#include <gst/gst.h>
#include <locale.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "transcribe-emulator.h"
#include "transcribe-progress.h"
#include "transcribe-turns.h"

enum {
  EXIT_OK = 0,
  EXIT_FAILED = 1,   /* the transcription failed (service, network) */
  EXIT_USAGE = 2,    /* bad command line */
  EXIT_INPUT = 3,    /* the input cannot be read or has no audio */
  EXIT_OUTPUT = 4,   /* an output file cannot be written */
  EXIT_AUTH = 5,     /* no credentials, or the service refused them */
  EXIT_EMULATOR = 6, /* --emulator: the emulator could not be started */
  EXIT_MISSING = 7,  /* a GStreamer element is not installed */
  EXIT_INTERRUPTED = 130,
};

#define PROG "assemblyai-transcribe"

typedef enum { OUT_SRT, OUT_VTT, OUT_TXT, OUT_JSON } OutputKind;

typedef struct {
  /* Options. */
  gchar **inputs;
  gchar **outputs;
  gboolean live, fast, no_format, speaker_labels, quiet, no_progress;
  gboolean emulator, verbose;
  gchar *model, *language, *url, *token_url, *proxy, *emulator_script;
  gchar **keyterms, **sets;
  gint max_speakers, reconnect_attempts;

  /* Run. */
  GMainLoop *loop;
  GstElement *pipeline, *transcriber, *input;
  TurnWriter *turns;
  Progress *progress;
  Emulator *emu;
  gboolean print_turns;
  gboolean have_audio;
  gint exit_code;
  gboolean interrupted, eos;
  guint reconnects;
} App;

static void fail(App *app, gint code, const gchar *fmt, ...)
    G_GNUC_PRINTF(3, 4);

/* One line on stderr, "assemblyai-transcribe: error: ...": the first
 * error decides the exit code. */
static void fail(App *app, gint code, const gchar *fmt, ...)
{
  va_list ap;
  gchar *msg;

  va_start(ap, fmt);
  msg = g_strdup_vprintf(fmt, ap);
  va_end(ap);
  g_strdelimit(msg, "\r\n", ' ');
  if (app->progress)
    progress_clear(app->progress);
  g_printerr(PROG ": error: %s\n", msg);
  g_free(msg);
  if (app->exit_code == EXIT_OK)
    app->exit_code = code;
  if (app->loop)
    g_main_loop_quit(app->loop);
}

static gboolean output_kind(const gchar *path, OutputKind *kind)
{
  const gchar *dot = strrchr(path, '.');
  if (!dot)
    return FALSE;
  if (g_ascii_strcasecmp(dot, ".srt") == 0)
    *kind = OUT_SRT;
  else if (g_ascii_strcasecmp(dot, ".vtt") == 0)
    *kind = OUT_VTT;
  else if (g_ascii_strcasecmp(dot, ".txt") == 0)
    *kind = OUT_TXT;
  else if (g_ascii_strcasecmp(dot, ".json") == 0)
    *kind = OUT_JSON;
  else
    return FALSE;
  return TRUE;
}

static GstElement *make(App *app, const gchar *factory, const gchar *package)
{
  GstElement *e = gst_element_factory_make(factory, NULL);
  if (!e)
    fail(app, EXIT_MISSING,
         "the GStreamer element %s is not installed (Debian package %s)",
         factory, package);
  return e;
}

/* An element made but not added to the pipeline. */
static void discard(GstElement *e)
{
  if (e)
    gst_object_unref(gst_object_ref_sink(e));
}

/* ---- input ------------------------------------------------------------ */

static void on_decoded_pad(GstElement *dec, GstPad *pad, gpointer data)
{
  App *app = data;
  GstCaps *caps = gst_pad_get_current_caps(pad);
  const gchar *name = "";
  GstElement *convert = gst_bin_get_by_name(GST_BIN(app->pipeline), "conv");
  GstPad *sinkpad = gst_element_get_static_pad(convert, "sink");

  (void)dec;
  if (!caps)
    caps = gst_pad_query_caps(pad, NULL);
  if (caps && gst_caps_get_size(caps) > 0)
    name = gst_structure_get_name(gst_caps_get_structure(caps, 0));
  if (g_str_has_prefix(name, "audio/") && !gst_pad_is_linked(sinkpad)) {
    /* The first audio stream is transcribed. */
    if (gst_pad_link(pad, sinkpad) == GST_PAD_LINK_OK)
      app->have_audio = TRUE;
  } else {
    /* Other streams (video, a second audio track) are decoded and
     * dropped, so the demuxer is not stopped by an unlinked pad. */
    GstElement *sink = gst_element_factory_make("fakesink", NULL);
    GstPad *fpad;
    g_object_set(sink, "sync", FALSE, "async", FALSE, NULL);
    gst_bin_add(GST_BIN(app->pipeline), sink);
    gst_element_sync_state_with_parent(sink);
    fpad = gst_element_get_static_pad(sink, "sink");
    gst_pad_link(pad, fpad);
    gst_object_unref(fpad);
  }
  if (caps)
    gst_caps_unref(caps);
  gst_object_unref(sinkpad);
  gst_object_unref(convert);
}

/* Streaming thread: reported through the bus like any input error. */
static void on_no_more_pads(GstElement *dec, gpointer data)
{
  App *app = data;
  if (!app->have_audio) {
    GError *err = g_error_new_literal(
        GST_STREAM_ERROR, GST_STREAM_ERROR_WRONG_TYPE, "no audio stream");
    gst_element_post_message(dec,
                             gst_message_new_error(GST_OBJECT(dec), err, NULL));
    g_error_free(err);
  }
}

/* A file, a URI, or (--live) a source description or the default
 * device. */
static GstElement *make_input(App *app)
{
  const gchar *in = app->inputs ? app->inputs[0] : NULL;
  GstElement *src;
  GError *err = NULL;
  gchar *uri;

  if (app->live) {
    src = gst_parse_bin_from_description(in ? in : "autoaudiosrc", TRUE, &err);
    if (!src) {
      fail(app, EXIT_INPUT, "--live source \"%s\": %s",
           in ? in : "autoaudiosrc", err->message);
      g_error_free(err);
    }
    return src;
  }
  if (gst_uri_is_valid(in)) {
    uri = g_strdup(in);
  } else {
    if (!g_file_test(in, G_FILE_TEST_EXISTS)) {
      fail(app, EXIT_INPUT, "%s: no such file", in);
      return NULL;
    }
    uri = gst_filename_to_uri(in, &err);
    if (!uri) {
      fail(app, EXIT_INPUT, "%s: %s", in, err->message);
      g_error_free(err);
      return NULL;
    }
  }
  src = make(app, "uridecodebin", "gstreamer1.0-plugins-base");
  if (src) {
    g_object_set(src, "uri", uri, NULL);
    g_signal_connect(src, "pad-added", G_CALLBACK(on_decoded_pad), app);
    g_signal_connect(src, "no-more-pads", G_CALLBACK(on_no_more_pads), app);
  }
  g_free(uri);
  return src;
}

/* ---- transcriber options ---------------------------------------------- */

static gboolean set_property(App *app, const gchar *name, const gchar *value)
{
  GParamSpec *spec =
      g_object_class_find_property(G_OBJECT_GET_CLASS(app->transcriber), name);
  if (!spec || !(spec->flags & G_PARAM_WRITABLE)) {
    fail(app, EXIT_USAGE,
         "--set %s: assemblyaitranscriber has no such writable property "
         "(gst-inspect-1.0 assemblyaitranscriber lists them)",
         name);
    return FALSE;
  }
  gst_util_set_object_arg(G_OBJECT(app->transcriber), name, value);
  return TRUE;
}

static gboolean configure_transcriber(App *app)
{
  GObject *t = G_OBJECT(app->transcriber);

  g_object_set(t, "format-turns", !app->no_format, "pace", !app->fast, NULL);
  if (app->model)
    g_object_set(t, "speech-model", app->model, NULL);
  if (app->language) {
    if (g_strcmp0(app->language, "auto") == 0)
      g_object_set(t, "language-detection", TRUE, NULL);
    else
      g_object_set(t, "language-code", app->language, NULL);
  }
  if (app->speaker_labels)
    g_object_set(t, "speaker-labels", TRUE, NULL);
  if (app->max_speakers > 0)
    g_object_set(t, "speaker-labels", TRUE, "max-speakers", app->max_speakers,
                 NULL);
  if (app->reconnect_attempts != G_MININT)
    g_object_set(t, "reconnect-attempts", app->reconnect_attempts, NULL);
  if (app->url)
    g_object_set(t, "url", app->url, NULL);
  if (app->token_url)
    g_object_set(t, "token-url", app->token_url, NULL);
  if (app->proxy)
    g_object_set(t, "proxy", app->proxy, NULL);
  if (app->keyterms) {
    GValue terms = G_VALUE_INIT;
    gst_value_array_init(&terms, g_strv_length(app->keyterms));
    for (gchar **k = app->keyterms; *k; k++) {
      GValue v = G_VALUE_INIT;
      g_value_init(&v, G_TYPE_STRING);
      g_value_set_string(&v, *k);
      gst_value_array_append_and_take_value(&terms, &v);
    }
    g_object_set_property(t, "keyterms", &terms);
    g_value_unset(&terms);
  }
  if (app->emu)
    g_object_set(t, "url", emulator_url(app->emu), "api-key",
                 emulator_api_key(app->emu), "proxy", "direct://", NULL);
  for (gchar **s = app->sets; s && *s; s++) {
    gchar **nv = g_strsplit(*s, "=", 2);
    gboolean ok = nv[0] && nv[1];
    if (!ok)
      fail(app, EXIT_USAGE, "--set %s: expected NAME=VALUE", *s);
    else
      ok = set_property(app, nv[0], nv[1]);
    g_strfreev(nv);
    if (!ok)
      return FALSE;
  }
  return TRUE;
}

/* ---- outputs ---------------------------------------------------------- */

/* Opens @path for writing now, so a bad path fails before any audio is
 * sent. */
static FILE *open_output(App *app, const gchar *path)
{
  FILE *f = g_fopen(path, "w");
  if (!f)
    fail(app, EXIT_OUTPUT, "%s: %s", path, g_strerror(errno));
  return f;
}

static gboolean add_caption_output(App *app,
                                   GstElement *tee,
                                   OutputKind kind,
                                   const gchar *path)
{
  const gchar *enc_name = kind == OUT_SRT ? "srtenc" : "webvttenc";
  GstElement *queue, *enc, *sink;
  FILE *probe = open_output(app, path);

  if (!probe)
    return FALSE;
  fclose(probe);
  queue = make(app, "queue", "gstreamer1.0-plugins-core");
  enc = make(app, enc_name, "gstreamer1.0-plugins-bad");
  sink = make(app, "filesink", "gstreamer1.0-plugins-core");
  if (!queue || !enc || !sink) {
    discard(queue);
    discard(enc);
    discard(sink);
    return FALSE;
  }
  g_object_set(sink, "location", path, "sync", FALSE, "async", FALSE, NULL);
  gst_bin_add_many(GST_BIN(app->pipeline), queue, enc, sink, NULL);
  if (!gst_element_link_many(tee, queue, enc, sink, NULL)) {
    fail(app, EXIT_FAILED, "%s: cannot link %s", path, enc_name);
    return FALSE;
  }
  return TRUE;
}

static gboolean add_outputs(App *app)
{
  GstElement *tee = NULL;
  FILE *txt = NULL, *json = NULL;

  for (gchar **o = app->outputs; o && *o; o++) {
    OutputKind kind;
    output_kind(*o, &kind); /* checked with the options */
    if (kind == OUT_SRT || kind == OUT_VTT) {
      if (!tee) {
        tee = make(app, "tee", "gstreamer1.0-plugins-core");
        if (!tee)
          return FALSE;
        gst_bin_add(GST_BIN(app->pipeline), tee);
        if (!gst_element_link_pads(app->transcriber, "caption_src", tee,
                                   "sink")) {
          fail(app, EXIT_FAILED, "cannot link the caption output");
          return FALSE;
        }
      }
      if (!add_caption_output(app, tee, kind, *o))
        return FALSE;
    } else if (kind == OUT_TXT && !txt) {
      if (!(txt = open_output(app, *o)))
        return FALSE;
    } else if (kind == OUT_JSON && !json) {
      if (!(json = open_output(app, *o)))
        return FALSE;
    } else {
      fail(app, EXIT_USAGE, "%s: only one .%s output is supported", *o,
           kind == OUT_TXT ? "txt" : "json");
      return FALSE;
    }
    /* filesink, .txt and .json take the files from here on. */
    if (kind == OUT_TXT || kind == OUT_JSON)
      turn_writer_set_outputs(app->turns, txt, json);
  }
  return TRUE;
}

/* ---- the run ---------------------------------------------------------- */

static void print_turn(const gchar *line, GstClockTime start, gpointer data)
{
  App *app = data;
  gchar *t = progress_format_time(start);

  if (app->progress)
    progress_clear(app->progress);
  if (app->live)
    printf("[%s] %s\n", t, line);
  else
    printf("%s\n", line);
  fflush(stdout);
  g_free(t);
}

static gboolean is_inside(GstObject *obj, GstElement *bin)
{
  for (GstObject *o = obj; o; o = GST_OBJECT_PARENT(o))
    if (o == GST_OBJECT(bin))
      return TRUE;
  return FALSE;
}

static void on_error(App *app, GstMessage *msg)
{
  GError *err = NULL;
  gchar *dbg = NULL;
  gint code = EXIT_FAILED;
  gchar *where;

  gst_message_parse_error(msg, &err, &dbg);
  if (app->verbose && dbg) {
    g_strdelimit(dbg, "\r\n", ' ');
    g_printerr(PROG ": debug: %s\n", dbg);
  }
  if (err->domain == GST_RESOURCE_ERROR &&
      err->code == GST_RESOURCE_ERROR_NOT_AUTHORIZED) {
    code = EXIT_AUTH;
  } else if (is_inside(GST_MESSAGE_SRC(msg), app->input) ||
             err->domain == GST_STREAM_ERROR) {
    code = GST_MESSAGE_SRC(msg) == GST_OBJECT(app->transcriber) ? EXIT_FAILED
                                                                : EXIT_INPUT;
  } else if (GST_IS_ELEMENT(GST_MESSAGE_SRC(msg)) &&
             err->domain == GST_RESOURCE_ERROR &&
             (err->code == GST_RESOURCE_ERROR_OPEN_WRITE ||
              err->code == GST_RESOURCE_ERROR_WRITE ||
              err->code == GST_RESOURCE_ERROR_NO_SPACE_LEFT)) {
    code = EXIT_OUTPUT;
  }
  where = code == EXIT_INPUT && app->inputs
              ? g_strdup_printf("%s: ", app->inputs[0])
              : g_strdup("");
  fail(app, code, "%s%s", where, err->message);
  g_free(where);
  g_error_free(err);
  g_free(dbg);
}

static void on_element_message(App *app, GstMessage *msg)
{
  const GstStructure *s = gst_message_get_structure(msg);

  if (!s || GST_MESSAGE_SRC(msg) != GST_OBJECT(app->transcriber))
    return;
  if (gst_structure_has_name(s, "assemblyai/turn")) {
    turn_writer_add(app->turns, s);
  } else if (gst_structure_has_name(s, "assemblyai/progress")) {
    if (app->progress)
      progress_add_message(app->progress, s);
  } else if (gst_structure_has_name(s, "assemblyai/reconnect")) {
    app->reconnects++;
  }
}

static gboolean on_bus(GstBus *bus, GstMessage *msg, gpointer data)
{
  App *app = data;
  (void)bus;

  switch (GST_MESSAGE_TYPE(msg)) {
    case GST_MESSAGE_ERROR:
      on_error(app, msg);
      break;
    case GST_MESSAGE_WARNING:
      if (!app->quiet) {
        GError *err = NULL;
        gst_message_parse_warning(msg, &err, NULL);
        g_strdelimit(err->message, "\r\n", ' ');
        if (app->progress)
          progress_clear(app->progress);
        g_printerr(PROG ": warning: %s\n", err->message);
        g_error_free(err);
      }
      break;
    case GST_MESSAGE_EOS:
      app->eos = TRUE;
      g_main_loop_quit(app->loop);
      break;
    case GST_MESSAGE_ASYNC_DONE:
      /* Prerolled: the duration is known from here on. */
      if (app->progress)
        progress_update(app->progress);
      break;
    case GST_MESSAGE_ELEMENT:
      on_element_message(app, msg);
      break;
    default:
      break;
  }
  return G_SOURCE_CONTINUE;
}

static gboolean on_tick(gpointer data)
{
  App *app = data;
  if (app->progress)
    progress_update(app->progress);
  return G_SOURCE_CONTINUE;
}

/* Ctrl-C: finish like at the end of the input (the last words come back,
 * the files are completed); a second one stops at once. */
static gboolean on_interrupt(gpointer data)
{
  App *app = data;
  if (app->interrupted) {
    g_main_loop_quit(app->loop);
    return G_SOURCE_CONTINUE;
  }
  app->interrupted = TRUE;
  gst_element_send_event(app->pipeline, gst_event_new_eos());
  return G_SOURCE_CONTINUE;
}

static gboolean build_pipeline(App *app)
{
  GstElement *conv, *resample;

  app->pipeline = gst_pipeline_new("transcribe");
  app->transcriber =
      make(app, "assemblyaitranscriber", "gstreamer1.0-assemblyai");
  if (app->transcriber)
    gst_object_ref_sink(app->transcriber); /* kept for the bus handler */
  conv = make(app, "audioconvert", "gstreamer1.0-plugins-base");
  resample = make(app, "audioresample", "gstreamer1.0-plugins-base");
  if (!app->transcriber || !conv || !resample) {
    discard(conv);
    discard(resample);
    return FALSE;
  }
  g_object_set(conv, "name", "conv", NULL);
  gst_bin_add_many(GST_BIN(app->pipeline), conv, resample, app->transcriber,
                   NULL);
  if (!gst_element_link_many(conv, resample, app->transcriber, NULL)) {
    fail(app, EXIT_FAILED, "cannot link audioconvert to the transcriber");
    return FALSE;
  }
  if (!configure_transcriber(app))
    return FALSE;
  app->input = make_input(app);
  if (!app->input)
    return FALSE;
  gst_bin_add(GST_BIN(app->pipeline), app->input);
  if (app->live && !gst_element_link(app->input, conv)) {
    fail(app, EXIT_INPUT, "the --live source has no audio output");
    return FALSE;
  }
  return add_outputs(app);
}

static gchar *emulator_script_for(App *app)
{
  const gchar *in = app->inputs ? app->inputs[0] : NULL;
  gchar *base, *script;

  if (app->emulator_script)
    return g_strdup(app->emulator_script);
  if (app->live || !in || gst_uri_is_valid(in))
    return NULL;
  /* The bundled samples come with their transcript script: X.wav, X.json. */
  base = g_strndup(
      in, strrchr(in, '.') ? (gsize)(strrchr(in, '.') - in) : strlen(in));
  script = g_strconcat(base, ".json", NULL);
  g_free(base);
  if (!g_file_test(script, G_FILE_TEST_IS_REGULAR))
    g_clear_pointer(&script, g_free);
  return script;
}

static void summary(App *app)
{
  GstClockTime pos = progress_position(app->progress);
  gchar *t = progress_format_time(pos);
  gdouble elapsed = progress_elapsed(app->progress);

  g_printerr(PROG
             ": %u turns, %u words from %s of audio in %.1f s (%.2fx "
             "real time)%s\n",
             turn_writer_n_turns(app->turns), turn_writer_n_words(app->turns),
             t, elapsed,
             elapsed > 0 ? ((gdouble)pos / GST_SECOND) / elapsed : 0.0,
             app->reconnects ? ", with reconnections" : "");
  g_free(t);
}

static gint run(App *app)
{
  gchar *script = NULL;
  GstBus *bus;
  guint tick = 0, sigint, sigterm;
  gboolean tty = isatty(STDERR_FILENO) && isatty(STDOUT_FILENO);
  GError *err = NULL;

  if (app->emulator) {
    script = emulator_script_for(app);
    if (!script && !app->quiet)
      g_printerr(PROG
                 ": warning: no transcript script for the emulator "
                 "(--emulator-script FILE): it will hear the audio "
                 "and return no words\n");
    app->emu = emulator_start(script, &err);
    g_free(script);
    if (!app->emu) {
      fail(app, EXIT_EMULATOR, "--emulator: %s", err->message);
      g_error_free(err);
      return app->exit_code;
    }
    if (!app->quiet)
      g_printerr(PROG ": using the bundled emulator at %s\n",
                 emulator_url(app->emu));
  }

  app->turns = turn_writer_new();
  if (!build_pipeline(app))
    return app->exit_code ? app->exit_code : EXIT_FAILED;
  {
    /* The settings in force after --set: whether a formatted copy of each
     * turn is to be waited for, and what the JSON document records. */
    gboolean formatted = FALSE;
    gchar *model = NULL;
    g_object_get(app->transcriber, "format-turns", &formatted, "speech-model",
                 &model, NULL);
    turn_writer_set_expect_formatted(app->turns, formatted);
    turn_writer_set_info(app->turns, "input",
                         app->inputs ? app->inputs[0] : "autoaudiosrc");
    turn_writer_set_info(app->turns, "speech_model", model);
    g_free(model);
  }
  app->print_turns = app->live || !app->outputs;
  if (app->print_turns)
    turn_writer_set_print(app->turns, print_turn, app);

  bus = gst_element_get_bus(app->pipeline);
  gst_bus_add_watch(bus, on_bus, app);
  app->loop = g_main_loop_new(NULL, FALSE);
  sigint = g_unix_signal_add(SIGINT, on_interrupt, app);
  sigterm = g_unix_signal_add(SIGTERM, on_interrupt, app);
  if (!app->live && !app->no_progress && !app->quiet) {
    app->progress = progress_new(app->pipeline, tty);
    tick = g_timeout_add(tty ? 250 : 1000, on_tick, app);
  }
  if (gst_element_set_state(app->pipeline, GST_STATE_PLAYING) ==
      GST_STATE_CHANGE_FAILURE) {
    /* The error message on the bus says why. */
    GstMessage *m = gst_bus_pop_filtered(bus, GST_MESSAGE_ERROR);
    if (m) {
      on_error(app, m);
      gst_message_unref(m);
    } else {
      fail(app, EXIT_FAILED, "the pipeline could not start");
    }
  } else if (app->exit_code == EXIT_OK) {
    g_main_loop_run(app->loop);
  }
  if (tick)
    g_source_remove(tick);
  g_source_remove(sigint);
  g_source_remove(sigterm);
  /* The last bar, while the pipeline still answers queries. */
  if (app->progress && app->exit_code == EXIT_OK)
    progress_finish(app->progress, app->eos && !app->interrupted);
  gst_element_set_state(app->pipeline, GST_STATE_NULL);
  gst_bus_remove_watch(bus);
  gst_object_unref(bus);
  /* What was heard is written even after an error or an interruption. */
  if (!turn_writer_finish(app->turns,
                          app->progress ? progress_duration(app->progress)
                                        : GST_CLOCK_TIME_NONE,
                          &err)) {
    fail(app, EXIT_OUTPUT, "%s", err->message);
    g_clear_error(&err);
  }
  if (app->progress && !app->quiet && app->exit_code == EXIT_OK)
    summary(app);
  if (app->exit_code == EXIT_OK && app->interrupted && !app->live)
    app->exit_code = EXIT_INTERRUPTED;
  return app->exit_code;
}

static void app_clear(App *app)
{
  if (app->emu)
    emulator_stop(app->emu);
  if (app->progress)
    progress_free(app->progress);
  if (app->turns)
    turn_writer_free(app->turns);
  if (app->transcriber)
    gst_object_unref(app->transcriber);
  if (app->pipeline)
    gst_object_unref(app->pipeline);
  if (app->loop)
    g_main_loop_unref(app->loop);
  g_strfreev(app->inputs);
  g_strfreev(app->outputs);
  g_strfreev(app->keyterms);
  g_strfreev(app->sets);
  g_free(app->model);
  g_free(app->language);
  g_free(app->url);
  g_free(app->token_url);
  g_free(app->proxy);
  g_free(app->emulator_script);
}

static const gchar *description =
    "Transcribes INPUT (a file or URI GStreamer can decode; with --live, a\n"
    "source pipeline such as \"pulsesrc device=...\", default autoaudiosrc)\n"
    "with AssemblyAI's real-time service into every OUTPUT given with -o:\n"
    "  .srt / .vtt  caption cues (SubRip / WebVTT)\n"
    "  .txt         one turn per line (\"A: ...\" with speaker labels)\n"
    "  .json        every turn and every word with its times (ms)\n"
    "Without -o, and with --live, turns are printed as they come.\n"
    "The API key comes from ASSEMBLYAI_API_KEY (or --set api-key=..., visible\n"
    "to other users in the process list).\n"
    "\n"
    "Exit status:\n"
    "  0    transcribed (with --live: stopped by Ctrl-C or the source's end)\n"
    "  1    the transcription failed (service or network error)\n"
    "  2    bad command line\n"
    "  3    the input cannot be read, decoded, or has no audio\n"
    "  4    an output file cannot be written\n"
    "  5    no API key, or the service refused the credentials\n"
    "  6    --emulator: the emulator could not be started\n"
    "  7    a GStreamer element is missing (the message names its package)\n"
    "  130  interrupted (Ctrl-C) before the end of a file; what was heard\n"
    "       is written\n"
    "Errors are one line on stderr: \"" PROG ": error: ...\".\n";

int main(int argc, char **argv)
{
  App app = {0};
  GError *err = NULL;
  GOptionContext *ctx;
  gint code;
  gboolean version = FALSE;
  GOptionEntry entries[] = {
      {"output", 'o', 0, G_OPTION_ARG_FILENAME_ARRAY, &app.outputs,
       "Write FILE (.srt, .vtt, .txt or .json; repeatable)", "FILE"},
      {"live", 0, 0, G_OPTION_ARG_NONE, &app.live,
       "INPUT is a live source pipeline (default autoaudiosrc); print turns "
       "as they come, stop with Ctrl-C",
       NULL},
      {"model", 'm', 0, G_OPTION_ARG_STRING, &app.model,
       "Speech model (speech-model), e.g. universal-streaming-multilingual",
       "MODEL"},
      {"language", 'l', 0, G_OPTION_ARG_STRING, &app.language,
       "Language code of the text, or \"auto\" for language detection", "CODE"},
      {"keyterm", 'k', 0, G_OPTION_ARG_STRING_ARRAY, &app.keyterms,
       "A word or phrase to boost (repeatable; keyterms)", "TERM"},
      {"speaker-labels", 's', 0, G_OPTION_ARG_NONE, &app.speaker_labels,
       "Label turns with their speaker; captions mark speaker changes", NULL},
      {"max-speakers", 0, 0, G_OPTION_ARG_INT, &app.max_speakers,
       "At most N speakers (implies --speaker-labels)", "N"},
      {"reconnect-attempts", 0, 0, G_OPTION_ARG_INT, &app.reconnect_attempts,
       "Reconnections in a row before failing (-1 = forever)", "N"},
      {"url", 0, 0, G_OPTION_ARG_STRING, &app.url,
       "WebSocket URL of the service (e.g. an EU endpoint or a proxy)", "URL"},
      {"token-url", 0, 0, G_OPTION_ARG_STRING, &app.token_url,
       "Mint a temporary token here for every session", "URL"},
      {"proxy", 0, 0, G_OPTION_ARG_STRING, &app.proxy,
       "Proxy URI (http://, socks5://, direct://)", "URI"},
      {"no-format", 0, 0, G_OPTION_ARG_NONE, &app.no_format,
       "Raw lowercase words (no punctuation and casing)", NULL},
      {"fast", 0, 0, G_OPTION_ARG_NONE, &app.fast,
       "Send a file as fast as the service takes it, not in real time "
       "(pace=false)",
       NULL},
      {"set", 0, 0, G_OPTION_ARG_STRING_ARRAY, &app.sets,
       "Set any assemblyaitranscriber property (repeatable)", "NAME=VALUE"},
      {"emulator", 0, 0, G_OPTION_ARG_NONE, &app.emulator,
       "Use the bundled offline emulator instead of the service", NULL},
      {"emulator-script", 0, 0, G_OPTION_ARG_FILENAME, &app.emulator_script,
       "The emulator's transcript script (default: INPUT's .json beside it)",
       "FILE"},
      {"no-progress", 0, 0, G_OPTION_ARG_NONE, &app.no_progress,
       "No progress bar or progress lines", NULL},
      {"quiet", 'q', 0, G_OPTION_ARG_NONE, &app.quiet, "Only errors on stderr",
       NULL},
      {"verbose", 'v', 0, G_OPTION_ARG_NONE, &app.verbose,
       "Also print GStreamer's debug detail of an error", NULL},
      {"version", 0, 0, G_OPTION_ARG_NONE, &version, "Print the version", NULL},
      {G_OPTION_REMAINING, 0, 0, G_OPTION_ARG_FILENAME_ARRAY, &app.inputs, NULL,
       "INPUT"},
      {NULL, 0, 0, 0, NULL, NULL, NULL}};

  setlocale(LC_ALL, "");
  app.reconnect_attempts = G_MININT;
  ctx = g_option_context_new("[INPUT] - transcribe speech with AssemblyAI");
  g_option_context_add_main_entries(ctx, entries, NULL);
  g_option_context_add_group(ctx, gst_init_get_option_group());
  g_option_context_set_description(ctx, description);
  if (!g_option_context_parse(ctx, &argc, &argv, &err)) {
    g_printerr(PROG ": error: %s (--help lists the options)\n", err->message);
    g_error_free(err);
    g_option_context_free(ctx);
    app_clear(&app);
    return EXIT_USAGE;
  }
  g_option_context_free(ctx);
  if (version) {
    printf(PROG " " PACKAGE_VERSION "\n");
    app_clear(&app);
    return EXIT_OK;
  }

  code = EXIT_OK;
  if (!app.live && (!app.inputs || !app.inputs[0])) {
    fail(&app, EXIT_USAGE, "no INPUT (a file or URI; --live for a device)");
  } else if (app.inputs && g_strv_length(app.inputs) > 1) {
    fail(&app, EXIT_USAGE,
         "one INPUT at a time (got %u; quote a --live source pipeline)",
         g_strv_length(app.inputs));
  } else {
    for (gchar **o = app.outputs; o && *o; o++) {
      OutputKind kind;
      if (!output_kind(*o, &kind)) {
        fail(&app, EXIT_USAGE,
             "%s: unknown output type (use .srt, .vtt, .txt or .json)", *o);
        break;
      }
    }
  }
  if (app.exit_code == EXIT_OK)
    code = run(&app);
  else
    code = app.exit_code;
  app_clear(&app);
  gst_deinit();
  return code;
}
