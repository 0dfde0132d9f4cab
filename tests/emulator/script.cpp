/* gst-assemblyai
 * Copyright (C) 2026 gst-assemblyai contributors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
/* Loads and validates the transcript script that drives turn emission. */
#include "emulator.h"

#include <json-glib/json-glib.h>

namespace aai_emu
{
namespace
{

bool fail(std::string *error, const std::string &msg)
{
  if (error)
    *error = msg;
  return false;
}

bool parse_turn(JsonObject *o, size_t ti, ScriptTurn *turn, std::string *error)
{
  std::string where = "turns[" + std::to_string(ti) + "]";
  if (!json_object_has_member(o, "words") ||
      !JSON_NODE_HOLDS_ARRAY(json_object_get_member(o, "words")))
    return fail(error, where + ": \"words\" must be an array");
  JsonArray *words = json_object_get_array_member(o, "words");
  guint n = json_array_get_length(words);
  if (n == 0)
    return fail(error, where + ": \"words\" is empty");
  for (guint i = 0; i < n; i++) {
    std::string ww = where + ".words[" + std::to_string(i) + "]";
    JsonNode *node = json_array_get_element(words, i);
    if (!JSON_NODE_HOLDS_OBJECT(node))
      return fail(error, ww + ": not an object");
    JsonObject *w = json_node_get_object(node);
    JsonNode *text = json_object_get_member(w, "text");
    JsonNode *start = json_object_get_member(w, "start");
    JsonNode *end = json_object_get_member(w, "end");
    if (!text || json_node_get_value_type(text) != G_TYPE_STRING)
      return fail(error, ww + ": \"text\" must be a string");
    if (!start || json_node_get_value_type(start) != G_TYPE_INT64 || !end ||
        json_node_get_value_type(end) != G_TYPE_INT64)
      return fail(error, ww + ": \"start\"/\"end\" must be integers (ms)");
    ScriptWord word;
    word.text = json_node_get_string(text);
    word.start = json_node_get_int(start);
    word.end = json_node_get_int(end);
    if (word.text.empty())
      return fail(error, ww + ": empty text");
    if (word.start < 0 || word.end <= word.start)
      return fail(error, ww + ": need 0 <= start < end");
    if (!turn->words.empty() && word.start < turn->words.back().end)
      return fail(error, ww + ": overlaps the previous word");
    word.formatted = word.text;
    turn->words.push_back(word);
  }
  if (json_object_has_member(o, "formatted")) {
    const char *f = json_object_get_string_member(o, "formatted");
    if (!f)
      return fail(error, where + ": \"formatted\" must be a string");
    gchar **tokens = g_strsplit(f, " ", -1);
    guint count = g_strv_length(tokens);
    if (count != n) {
      g_strfreev(tokens);
      return fail(error, where + ": \"formatted\" has " +
                             std::to_string(count) + " tokens for " +
                             std::to_string(n) + " words");
    }
    for (guint i = 0; i < n; i++)
      turn->words[i].formatted = tokens[i];
    g_strfreev(tokens);
  }
  if (json_object_has_member(o, "end_of_turn_confidence"))
    turn->end_of_turn_confidence =
        json_object_get_double_member(o, "end_of_turn_confidence");
  if (turn->end_of_turn_confidence < 0 || turn->end_of_turn_confidence > 1)
    return fail(error, where + ": end_of_turn_confidence outside 0..1");
  if (json_object_has_member(o, "language_code"))
    turn->language_code = json_object_get_string_member(o, "language_code");
  turn->language_confidence = json_object_get_double_member_with_default(
      o, "language_confidence", 0.95);
  if (json_object_has_member(o, "speaker"))
    turn->speaker = json_object_get_string_member(o, "speaker");
  return true;
}

}  // namespace

bool Script::load_json(const std::string &json, Script *out, std::string *error)
{
  JsonParser *parser = json_parser_new();
  GError *err = nullptr;
  if (!json_parser_load_from_data(parser, json.data(), json.size(), &err)) {
    std::string msg = std::string("script is not valid JSON: ") + err->message;
    g_error_free(err);
    g_object_unref(parser);
    return fail(error, msg);
  }
  JsonNode *root = json_parser_get_root(parser);
  if (!root || !JSON_NODE_HOLDS_OBJECT(root)) {
    g_object_unref(parser);
    return fail(error, "script root must be an object");
  }
  JsonObject *o = json_node_get_object(root);
  Script s;
  s.description =
      json_object_get_string_member_with_default(o, "description", "");
  s.audio = json_object_get_string_member_with_default(o, "audio", "");
  s.sample_rate =
      (int)json_object_get_int_member_with_default(o, "sample_rate", 0);
  s.duration_ms = json_object_get_int_member_with_default(o, "duration_ms", 0);
  bool ok = true;
  if (json_object_has_member(o, "turns")) {
    JsonNode *tn = json_object_get_member(o, "turns");
    if (!JSON_NODE_HOLDS_ARRAY(tn)) {
      ok = fail(error, "\"turns\" must be an array");
    } else {
      JsonArray *turns = json_node_get_array(tn);
      for (guint i = 0; ok && i < json_array_get_length(turns); i++) {
        JsonNode *node = json_array_get_element(turns, i);
        ScriptTurn turn;
        if (!JSON_NODE_HOLDS_OBJECT(node))
          ok = fail(error, "turns[" + std::to_string(i) + "]: not an object");
        else
          ok = parse_turn(json_node_get_object(node), i, &turn, error);
        /* Turns are separated by silence; the emulator never merges them. */
        if (ok && !s.turns.empty() &&
            turn.words.front().start <= s.turns.back().words.back().end)
          ok = fail(error, "turns[" + std::to_string(i) +
                               "] starts before the previous turn ends");
        if (ok)
          s.turns.push_back(std::move(turn));
      }
    }
  }
  g_object_unref(parser);
  if (ok && out)
    *out = std::move(s);
  return ok;
}

bool Script::load_file(const std::string &path, Script *out, std::string *error)
{
  gchar *contents = nullptr;
  gsize len = 0;
  GError *err = nullptr;
  if (!g_file_get_contents(path.c_str(), &contents, &len, &err)) {
    std::string msg = err->message;
    g_error_free(err);
    return fail(error, msg);
  }
  std::string json(contents, len);
  g_free(contents);
  if (!load_json(json, out, error)) {
    if (error)
      *error = path + ": " + *error;
    return false;
  }
  return true;
}

}  // namespace aai_emu
