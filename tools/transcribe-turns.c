/* gst-assemblyai
 * Copyright (C) 2026 gst-assemblyai contributors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "transcribe-turns.h"

#include <json-glib/json-glib.h>

struct _TurnWriter {
  gboolean expect_formatted;
  FILE *txt, *json;
  TurnPrintFunc print;
  gpointer print_data;
  JsonObject *doc;
  JsonArray *turns;
  GString *text;         /* every turn, for the document's "text" */
  GstStructure *pending; /* an ended turn waiting for its formatted copy */
  gboolean have_completed;
  guint last_completed; /* turn-order of the last complete turn */
  guint n_words;
  gboolean write_failed;
};

TurnWriter *turn_writer_new(void)
{
  TurnWriter *w = g_new0(TurnWriter, 1);
  w->doc = json_object_new();
  w->turns = json_array_new();
  w->text = g_string_new(NULL);
  return w;
}

void turn_writer_set_expect_formatted(TurnWriter *w, gboolean expect)
{
  w->expect_formatted = expect;
}

void turn_writer_set_outputs(TurnWriter *w, FILE *txt, FILE *json)
{
  w->txt = txt;
  w->json = json;
}

void turn_writer_set_print(TurnWriter *w, TurnPrintFunc func, gpointer data)
{
  w->print = func;
  w->print_data = data;
}

void turn_writer_set_info(TurnWriter *w, const gchar *key, const gchar *value)
{
  if (value && *value)
    json_object_set_string_member(w->doc, key, value);
}

/* Times in the documents: whole milliseconds of the input's timeline, as
 * AssemblyAI's own word times. */
static gint64 to_ms(GstClockTime t)
{
  return GST_CLOCK_TIME_IS_VALID(t) ? (gint64)((t + 500000) / 1000000) : -1;
}

static JsonObject *word_object(const GstStructure *word)
{
  JsonObject *o = json_object_new();
  guint64 start = GST_CLOCK_TIME_NONE, end = GST_CLOCK_TIME_NONE;
  gdouble confidence = 0;
  const gchar *speaker = gst_structure_get_string(word, "speaker");

  gst_structure_get_uint64(word, "start", &start);
  gst_structure_get_uint64(word, "end", &end);
  gst_structure_get_double(word, "confidence", &confidence);
  json_object_set_string_member(o, "text",
                                gst_structure_get_string(word, "text"));
  json_object_set_int_member(o, "start", to_ms(start));
  json_object_set_int_member(o, "end", to_ms(end));
  json_object_set_double_member(o, "confidence", confidence);
  if (speaker)
    json_object_set_string_member(o, "speaker", speaker);
  return o;
}

static void complete(TurnWriter *w, const GstStructure *s)
{
  const gchar *transcript = gst_structure_get_string(s, "transcript");
  const gchar *speaker = gst_structure_get_string(s, "speaker-label");
  const gchar *language = gst_structure_get_string(s, "language-code");
  const GValue *words = gst_structure_get_value(s, "words");
  guint64 start = GST_CLOCK_TIME_NONE, duration = 0;
  gdouble eot_confidence = 0;
  guint order = 0;
  JsonObject *o;
  JsonArray *wa;
  gchar *line;

  gst_structure_get_uint(s, "turn-order", &order);
  w->have_completed = TRUE;
  w->last_completed = order;
  /* A turn of silence (or of filtered tags only) has nothing to show. */
  if (!transcript || !*transcript)
    return;

  gst_structure_get_uint64(s, "timestamp", &start);
  gst_structure_get_uint64(s, "duration", &duration);
  gst_structure_get_double(s, "end-of-turn-confidence", &eot_confidence);

  o = json_object_new();
  json_object_set_int_member(o, "turn_order", order);
  json_object_set_int_member(o, "start", to_ms(start));
  json_object_set_int_member(
      o, "end", GST_CLOCK_TIME_IS_VALID(start) ? to_ms(start + duration) : -1);
  if (speaker)
    json_object_set_string_member(o, "speaker", speaker);
  if (language)
    json_object_set_string_member(o, "language_code", language);
  json_object_set_double_member(o, "end_of_turn_confidence", eot_confidence);
  json_object_set_string_member(o, "transcript", transcript);
  wa = json_array_new();
  if (words && GST_VALUE_HOLDS_ARRAY(words)) {
    for (guint i = 0; i < gst_value_array_get_size(words); i++) {
      const GValue *v = gst_value_array_get_value(words, i);
      if (GST_VALUE_HOLDS_STRUCTURE(v)) {
        json_array_add_object_element(wa,
                                      word_object(gst_value_get_structure(v)));
        w->n_words++;
      }
    }
  }
  json_object_set_array_member(o, "words", wa);
  json_array_add_object_element(w->turns, o);

  if (w->text->len)
    g_string_append_c(w->text, ' ');
  g_string_append(w->text, transcript);

  line = speaker ? g_strdup_printf("%s: %s", speaker, transcript)
                 : g_strdup(transcript);
  if (w->txt) {
    /* One turn per line, written as it completes: a long live run loses
     * nothing already heard if it is killed. */
    if (fprintf(w->txt, "%s\n", line) < 0 || fflush(w->txt) != 0)
      w->write_failed = TRUE;
  }
  if (w->print)
    w->print(line, start, w->print_data);
  g_free(line);
}

void turn_writer_add(TurnWriter *w, const GstStructure *s)
{
  gboolean eot = FALSE, formatted = FALSE;
  guint order = 0;

  if (!gst_structure_has_name(s, "assemblyai/turn"))
    return;
  gst_structure_get_boolean(s, "end-of-turn", &eot);
  if (!eot)
    return;
  gst_structure_get_uint(s, "turn-order", &order);
  gst_structure_get_boolean(s, "turn-is-formatted", &formatted);

  if (w->pending) {
    guint pending_order = 0;
    gst_structure_get_uint(w->pending, "turn-order", &pending_order);
    if (pending_order != order) {
      /* The formatted copy did not come before the next turn. */
      complete(w, w->pending);
      gst_structure_free(w->pending);
      w->pending = NULL;
    }
  }
  /* A turn already complete (its formatted copy after a fallback, or a
   * turn heard again after a reconnection) is not written twice. */
  if (w->have_completed && order <= w->last_completed)
    return;
  if (!w->expect_formatted || formatted) {
    g_clear_pointer(&w->pending, gst_structure_free);
    complete(w, s);
  } else {
    g_clear_pointer(&w->pending, gst_structure_free);
    w->pending = gst_structure_copy(s);
  }
}

static gboolean write_json(TurnWriter *w,
                           GstClockTime audio_duration,
                           GError **error)
{
  JsonGenerator *gen = json_generator_new();
  JsonNode *root = json_node_new(JSON_NODE_OBJECT);
  gchar *data;
  gsize len;
  gboolean ok;

  if (GST_CLOCK_TIME_IS_VALID(audio_duration))
    json_object_set_int_member(w->doc, "duration", to_ms(audio_duration));
  json_object_set_string_member(w->doc, "text", w->text->str);
  json_object_set_array_member(w->doc, "turns", json_array_ref(w->turns));
  json_node_set_object(root, w->doc);
  json_generator_set_root(gen, root);
  json_generator_set_pretty(gen, TRUE);
  data = json_generator_to_data(gen, &len);
  ok = fwrite(data, 1, len, w->json) == len && fputc('\n', w->json) != EOF;
  if (!ok)
    g_set_error(error, G_FILE_ERROR, G_FILE_ERROR_IO,
                "could not write the JSON transcript");
  g_free(data);
  json_node_unref(root);
  g_object_unref(gen);
  return ok;
}

gboolean turn_writer_finish(TurnWriter *w,
                            GstClockTime audio_duration,
                            GError **error)
{
  gboolean ok = TRUE;

  if (w->pending) {
    complete(w, w->pending);
    g_clear_pointer(&w->pending, gst_structure_free);
  }
  if (w->json) {
    ok = write_json(w, audio_duration, error);
    if (fclose(w->json) != 0 && ok) {
      g_set_error(error, G_FILE_ERROR, G_FILE_ERROR_IO,
                  "could not write the JSON transcript");
      ok = FALSE;
    }
    w->json = NULL;
  }
  if (w->txt) {
    if (fclose(w->txt) != 0)
      w->write_failed = TRUE;
    w->txt = NULL;
  }
  if (ok && w->write_failed) {
    g_set_error(error, G_FILE_ERROR, G_FILE_ERROR_IO,
                "could not write the text transcript");
    ok = FALSE;
  }
  return ok;
}

guint turn_writer_n_turns(const TurnWriter *w)
{
  return json_array_get_length(w->turns);
}

guint turn_writer_n_words(const TurnWriter *w)
{
  return w->n_words;
}

void turn_writer_free(TurnWriter *w)
{
  if (w->txt)
    fclose(w->txt);
  if (w->json)
    fclose(w->json);
  g_clear_pointer(&w->pending, gst_structure_free);
  json_object_unref(w->doc);
  json_array_unref(w->turns);
  g_string_free(w->text, TRUE);
  g_free(w);
}
