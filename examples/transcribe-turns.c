/* gst-assemblyai example — SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Embeds assemblyaitranscriber in an application and reads its results
 * from the bus: every complete turn with its words and their times, and
 * the reconnections the element made to keep the stream going.
 *
 *   transcribe-turns FILE
 *
 * The API key comes from ASSEMBLYAI_API_KEY (the element reads it);
 * ASSEMBLYAI_URL, when set, points the element at another endpoint (the
 * emulator, a data zone, a proxy). Build:
 *   cc transcribe-turns.c $(pkg-config --cflags --libs gstreamer-1.0)
 */
#include <gst/gst.h>
#include <stdio.h>

static double seconds(GstClockTime t)
{
  return GST_CLOCK_TIME_IS_VALID(t) ? (double)t / GST_SECOND : -1.0;
}

/* `assemblyai/turn`: only final turns (end-of-turn); with format-turns the
 * formatted copy follows the raw one, so print that one. */
static void print_turn(const GstStructure *s)
{
  gboolean eot = FALSE, formatted = FALSE;
  guint order = 0;
  guint64 start = GST_CLOCK_TIME_NONE, duration = 0;
  const GValue *words;

  gst_structure_get_boolean(s, "end-of-turn", &eot);
  gst_structure_get_boolean(s, "turn-is-formatted", &formatted);
  if (!eot || !formatted)
    return;
  gst_structure_get_uint(s, "turn-order", &order);
  gst_structure_get_uint64(s, "timestamp", &start);
  gst_structure_get_uint64(s, "duration", &duration);
  printf("turn %u [%.3f-%.3f] %s\n", order, seconds(start),
         seconds(start + duration), gst_structure_get_string(s, "transcript"));

  /* `words`: a GstValueArray of `assemblyai/word` structures. */
  words = gst_structure_get_value(s, "words");
  for (guint i = 0; words && i < gst_value_array_get_size(words); i++) {
    const GstStructure *w =
        gst_value_get_structure(gst_value_array_get_value(words, i));
    guint64 ws = 0, we = 0;
    gdouble confidence = 0;
    gst_structure_get_uint64(w, "start", &ws);
    gst_structure_get_uint64(w, "end", &we);
    gst_structure_get_double(w, "confidence", &confidence);
    printf("  word %s [%.3f-%.3f] %.2f\n", gst_structure_get_string(w, "text"),
           seconds(ws), seconds(we), confidence);
  }
}

/* `assemblyai/reconnect`: a new session continues the stream. */
static void print_reconnect(const GstStructure *s)
{
  guint attempt = 0;
  guint64 outage = 0, replayed = 0, lost = 0;

  gst_structure_get_uint(s, "attempt", &attempt);
  gst_structure_get_uint64(s, "outage-duration", &outage);
  gst_structure_get_uint64(s, "audio-replayed", &replayed);
  gst_structure_get_uint64(s, "audio-lost", &lost);
  printf(
      "reconnect %s attempt %u: outage %.3f s, replayed %.3f s, lost "
      "%.3f s\n",
      gst_structure_get_string(s, "reason"), attempt, seconds(outage),
      seconds(replayed), seconds(lost));
}

int main(int argc, char **argv)
{
  GstElement *pipeline, *transcriber;
  GstBus *bus;
  GError *err = NULL;
  gchar *desc;
  const gchar *url = g_getenv("ASSEMBLYAI_URL");
  int status = 0;
  gboolean done = FALSE;

  gst_init(&argc, &argv);
  if (argc != 2) {
    fprintf(stderr, "usage: %s FILE\n", argv[0]);
    return 2;
  }
  /* The text pads stay unlinked: this application only reads the bus. */
  desc = g_strdup_printf(
      "filesrc name=src ! decodebin ! audioconvert ! audioresample ! "
      "assemblyaitranscriber name=t format-turns=true pace=false");
  pipeline = gst_parse_launch(desc, &err);
  g_free(desc);
  if (!pipeline) {
    fprintf(stderr, "error: %s\n", err->message);
    g_error_free(err);
    return 1;
  }
  {
    GstElement *src = gst_bin_get_by_name(GST_BIN(pipeline), "src");
    g_object_set(src, "location", argv[1], NULL);
    gst_object_unref(src);
  }
  transcriber = gst_bin_get_by_name(GST_BIN(pipeline), "t");
  if (url)
    g_object_set(transcriber, "url", url, NULL);

  bus = gst_element_get_bus(pipeline);
  gst_element_set_state(pipeline, GST_STATE_PLAYING);
  while (!done) {
    GstMessage *m = gst_bus_timed_pop_filtered(
        bus, GST_CLOCK_TIME_NONE,
        GST_MESSAGE_ELEMENT | GST_MESSAGE_ERROR | GST_MESSAGE_EOS);
    const GstStructure *s = gst_message_get_structure(m);
    switch (GST_MESSAGE_TYPE(m)) {
      case GST_MESSAGE_ELEMENT:
        if (gst_structure_has_name(s, "assemblyai/turn"))
          print_turn(s);
        else if (gst_structure_has_name(s, "assemblyai/reconnect"))
          print_reconnect(s);
        break;
      case GST_MESSAGE_ERROR:
        gst_message_parse_error(m, &err, NULL);
        fprintf(stderr, "error: %s\n", err->message);
        g_clear_error(&err);
        status = 1;
        done = TRUE;
        break;
      default: /* EOS: the last turn came before it */
        done = TRUE;
        break;
    }
    gst_message_unref(m);
  }
  gst_element_set_state(pipeline, GST_STATE_NULL);
  gst_object_unref(bus);
  gst_object_unref(transcriber);
  gst_object_unref(pipeline);
  return status;
}
