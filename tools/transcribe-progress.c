/* gst-assemblyai
 * Copyright (C) 2026 gst-assemblyai contributors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "transcribe-progress.h"

#include <stdio.h>

/* Plain lines are for logs: one every few seconds is enough. */
#define PLAIN_INTERVAL_S 5.0
/* The element's numbers are preferred while they are this fresh. */
#define MESSAGE_FRESH_S 2.0
#define BAR_WIDTH 24

struct _Progress {
  GstElement *pipeline;
  gboolean tty;
  GTimer *timer;
  GstClockTime position, duration, time_left;
  gdouble rtf;
  gdouble message_at; /* elapsed time of the last progress message, or < 0 */
  gdouble plain_at;   /* elapsed time of the last plain line, or < 0 */
  gboolean drawn;
};

Progress *progress_new(GstElement *pipeline, gboolean tty)
{
  Progress *p = g_new0(Progress, 1);
  p->pipeline = gst_object_ref(pipeline);
  p->tty = tty;
  p->timer = g_timer_new();
  p->position = 0;
  p->duration = p->time_left = GST_CLOCK_TIME_NONE;
  p->message_at = p->plain_at = -1;
  return p;
}

gchar *progress_format_time(GstClockTime t)
{
  guint64 s;
  if (!GST_CLOCK_TIME_IS_VALID(t))
    return g_strdup("?:??");
  s = t / GST_SECOND;
  if (s >= 3600)
    return g_strdup_printf("%u:%02u:%02u", (guint)(s / 3600),
                           (guint)(s / 60 % 60), (guint)(s % 60));
  return g_strdup_printf("%u:%02u", (guint)(s / 60), (guint)(s % 60));
}

void progress_add_message(Progress *p, const GstStructure *s)
{
  guint64 transcribed, left;
  gdouble rtf;

  if (!gst_structure_has_name(s, "assemblyai/progress"))
    return;
  if (gst_structure_get_uint64(s, "audio-transcribed", &transcribed))
    p->position = transcribed;
  if (gst_structure_get_double(s, "realtime-factor", &rtf))
    p->rtf = rtf;
  if (gst_structure_get_uint64(s, "time-left", &left))
    p->time_left = left;
  p->message_at = g_timer_elapsed(p->timer, NULL);
}

static void sample_pipeline(Progress *p, gdouble elapsed)
{
  gint64 pos = -1, dur = -1;

  if (!GST_CLOCK_TIME_IS_VALID(p->duration) &&
      gst_element_query_duration(p->pipeline, GST_FORMAT_TIME, &dur) && dur > 0)
    p->duration = (GstClockTime)dur;
  if (p->message_at >= 0 && elapsed - p->message_at < MESSAGE_FRESH_S)
    return;
  if (!gst_element_query_position(p->pipeline, GST_FORMAT_TIME, &pos) ||
      pos < 0)
    return;
  p->position = (GstClockTime)pos;
  if (GST_CLOCK_TIME_IS_VALID(p->duration) && p->position > p->duration)
    p->position = p->duration;
  p->rtf = elapsed > 0.2 ? ((gdouble)p->position / GST_SECOND) / elapsed : 0;
  p->time_left = GST_CLOCK_TIME_NONE;
  if (p->rtf > 0 && GST_CLOCK_TIME_IS_VALID(p->duration))
    p->time_left =
        (GstClockTime)((gdouble)(p->duration - p->position) / p->rtf);
}

static void draw(Progress *p, gboolean final)
{
  gchar *pos = progress_format_time(p->position);
  gchar *dur = progress_format_time(p->duration);
  gchar *left = progress_format_time(p->time_left);
  gboolean known = GST_CLOCK_TIME_IS_VALID(p->duration) && p->duration > 0;
  gdouble frac = known ? (gdouble)p->position / (gdouble)p->duration : 0;

  if (p->tty) {
    gchar bar[BAR_WIDTH + 1];
    guint fill = (guint)(frac * BAR_WIDTH);
    for (guint i = 0; i < BAR_WIDTH; i++)
      bar[i] = i < fill ? '#' : '.';
    bar[BAR_WIDTH] = '\0';
    if (known)
      fprintf(stderr, "\r\033[K[%s] %3.0f%%  %s / %s  %.2fx  %s left", bar,
              frac * 100, pos, dur, p->rtf,
              GST_CLOCK_TIME_IS_VALID(p->time_left) ? left : "?:??");
    else
      fprintf(stderr, "\r\033[K%s  %.2fx", pos, p->rtf);
    if (final)
      fputc('\n', stderr);
    p->drawn = !final;
  } else if (known) {
    fprintf(stderr, "progress: %.0f%% %s of %s, %.2fx real time, %s left\n",
            frac * 100, pos, dur, p->rtf,
            GST_CLOCK_TIME_IS_VALID(p->time_left) ? left : "?:??");
  } else {
    fprintf(stderr, "progress: %s, %.2fx real time\n", pos, p->rtf);
  }
  fflush(stderr);
  g_free(pos);
  g_free(dur);
  g_free(left);
}

void progress_update(Progress *p)
{
  gdouble elapsed = g_timer_elapsed(p->timer, NULL);

  sample_pipeline(p, elapsed);
  if (p->tty) {
    draw(p, FALSE);
  } else if (p->plain_at < 0 || elapsed - p->plain_at >= PLAIN_INTERVAL_S) {
    p->plain_at = elapsed;
    draw(p, FALSE);
  }
}

void progress_clear(Progress *p)
{
  if (p->tty && p->drawn) {
    fputs("\r\033[K", stderr);
    fflush(stderr);
    p->drawn = FALSE;
  }
}

void progress_finish(Progress *p, gboolean done)
{
  gdouble elapsed = g_timer_elapsed(p->timer, NULL);

  sample_pipeline(p, elapsed);
  if (done && GST_CLOCK_TIME_IS_VALID(p->duration)) {
    p->position = p->duration;
    p->time_left = 0;
  }
  if (elapsed > 0)
    p->rtf = ((gdouble)p->position / GST_SECOND) / elapsed;
  draw(p, TRUE);
}

GstClockTime progress_position(const Progress *p)
{
  return p->position;
}

GstClockTime progress_duration(const Progress *p)
{
  return p->duration;
}

gdouble progress_elapsed(const Progress *p)
{
  return g_timer_elapsed(p->timer, NULL);
}

void progress_free(Progress *p)
{
  gst_object_unref(p->pipeline);
  g_timer_destroy(p->timer);
  g_free(p);
}
