/* gst-assemblyai
 * Copyright (C) 2026 gst-assemblyai contributors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "session_params.h"

#include <cstring>
#include <json-glib/json-glib.h>

namespace aai_emu
{
namespace
{

/* Clients send true/false (JS) or True/False (Python): accept any case. */
bool parse_bool(const std::string &v, bool *out)
{
  if (g_ascii_strcasecmp(v.c_str(), "true") == 0)
    *out = true;
  else if (g_ascii_strcasecmp(v.c_str(), "false") == 0)
    *out = false;
  else
    return false;
  return true;
}

bool parse_int(const std::string &v, int64_t min, int64_t max, int64_t *out)
{
  gint64 value = 0;
  if (!g_ascii_string_to_signed(v.c_str(), 10, min, max, &value, nullptr))
    return false;
  *out = value;
  return true;
}

bool parse_unit(const std::string &v, double *out)
{
  gchar *end = nullptr;
  double d = g_ascii_strtod(v.c_str(), &end);
  if (v.empty() || !end || *end != '\0' || !(d >= 0.0 && d <= 1.0))
    return false;
  *out = d;
  return true;
}

/* keyterms_prompt is one JSON array of strings; more than 100 terms is an
 * error, terms over 50 characters are ignored (docs/protocol.md, Endpoint and
 * query parameters). */
bool parse_keyterms(JsonNode *node,
                    std::vector<std::string> *out,
                    std::string *error)
{
  if (!node || !JSON_NODE_HOLDS_ARRAY(node)) {
    *error = "keyterms_prompt must be a JSON array of strings";
    return false;
  }
  JsonArray *arr = json_node_get_array(node);
  guint n = json_array_get_length(arr);
  if (n > 100) {
    *error = "keyterms_prompt has more than 100 terms";
    return false;
  }
  std::vector<std::string> terms;
  for (guint i = 0; i < n; i++) {
    JsonNode *e = json_array_get_element(arr, i);
    if (json_node_get_value_type(e) != G_TYPE_STRING) {
      *error = "keyterms_prompt must be a JSON array of strings";
      return false;
    }
    const char *s = json_node_get_string(e);
    if (g_utf8_strlen(s, -1) <= 50)
      terms.emplace_back(s);
  }
  *out = std::move(terms);
  return true;
}

bool family_of(const std::string &model, ModelFamily *family)
{
  static const char *const us[] = {"universal-streaming-english",
                                   "universal-streaming-multilingual"};
  static const char *const u3[] = {"u3-rt-pro",        "u3-pro",
                                   "u3-rt-pro-beta-1", "universal-3-5-pro",
                                   "universal-3-6",    "universal-3-6-pro"};
  for (const char *m : us)
    if (model == m) {
      *family = ModelFamily::UniversalStreaming;
      return true;
    }
  for (const char *m : u3)
    if (model == m) {
      *family = ModelFamily::U3Pro;
      return true;
    }
  if (model == "whisper-rt") {
    *family = ModelFamily::Whisper;
    return true;
  }
  return false;
}

}  // namespace

bool parse_session_params(const std::map<std::string, std::string> &q,
                          bool require_speech_model,
                          SessionParams *out,
                          std::string *error)
{
  SessionParams p;
  auto get = [&](const char *name) -> const std::string * {
    auto it = q.find(name);
    return it == q.end() ? nullptr : &it->second;
  };
  const std::string *v;

  if ((v = get("speech_model"))) {
    p.speech_model = *v;
  } else if (require_speech_model) {
    *error = "speech_model is required";
    return false;
  } else {
    p.speech_model = "universal-streaming-english";
  }
  if (!family_of(p.speech_model, &p.family)) {
    *error = "unknown speech_model " + p.speech_model;
    return false;
  }
  if (p.family == ModelFamily::U3Pro) {
    p.min_turn_silence = 100;
    p.max_turn_silence = 1000;
    p.vad_threshold = 0.3;
  }

  if ((v = get("encoding"))) {
    if (*v != "pcm_s16le" && *v != "pcm_mulaw") {
      *error = "unsupported encoding " + *v;
      return false;
    }
    p.encoding = *v;
  }
  p.bytes_per_sample = p.encoding == "pcm_mulaw" ? 1 : 2;

  int64_t n = 0;
  if (!(v = get("sample_rate")) || !parse_int(*v, 1, G_MAXINT32, &n)) {
    *error = "Sample rate must be a positive integer";
    return false;
  }
  p.sample_rate = (int)n;

  struct BoolParam {
    const char *name;
    bool *dst;
  } bools[] = {{"format_turns", &p.format_turns},
               {"language_detection", &p.language_detection},
               {"speaker_labels", &p.speaker_labels}};
  for (auto &b : bools)
    if ((v = get(b.name)) && !parse_bool(*v, b.dst)) {
      *error = std::string(b.name) + " must be true or false";
      return false;
    }

  struct UnitParam {
    const char *name;
    double *dst;
  } units[] = {
      {"end_of_turn_confidence_threshold", &p.end_of_turn_confidence_threshold},
      {"vad_threshold", &p.vad_threshold}};
  for (auto &u : units)
    if ((v = get(u.name)) && !parse_unit(*v, u.dst)) {
      *error = std::string(u.name) + " must be between 0 and 1";
      return false;
    }

  struct IntParam {
    const char *name;
    int64_t min, max;
    int64_t *dst;
  };
  int64_t inactivity = 0, max_speakers = 0;
  IntParam ints[] = {{"min_end_of_turn_silence_when_confident", 0, 3600000,
                      &p.min_turn_silence},
                     {"min_turn_silence", 0, 3600000, &p.min_turn_silence},
                     {"max_turn_silence", 0, 3600000, &p.max_turn_silence},
                     {"inactivity_timeout", 5, 3600, &inactivity},
                     {"max_speakers", 1, 10, &max_speakers}};
  for (auto &i : ints)
    if ((v = get(i.name)) && !parse_int(*v, i.min, i.max, i.dst)) {
      *error = std::string(i.name) + " must be an integer between " +
               std::to_string(i.min) + " and " + std::to_string(i.max);
      return false;
    }
  p.inactivity_timeout_s = (int)inactivity;
  p.max_speakers = (int)max_speakers;

  if ((v = get("keyterms_prompt"))) {
    JsonParser *parser = json_parser_new();
    bool ok = json_parser_load_from_data(parser, v->c_str(), -1, nullptr) &&
              parse_keyterms(json_parser_get_root(parser), &p.keyterms, error);
    if (!ok && error->empty())
      *error = "keyterms_prompt must be a JSON array of strings";
    g_object_unref(parser);
    if (!ok)
      return false;
  }
  if ((v = get("prompt")))
    p.prompt = *v;
  if ((v = get("mode")))
    p.mode = *v;
  *out = std::move(p);
  return true;
}

void apply_update_configuration(JsonObject *o, SessionParams *p)
{
  auto num = [&](const char *name, double *dst) {
    JsonNode *n = json_object_get_member(o, name);
    if (n && JSON_NODE_HOLDS_VALUE(n) &&
        json_node_get_value_type(n) != G_TYPE_STRING &&
        json_node_get_value_type(n) != G_TYPE_BOOLEAN) {
      *dst = json_node_get_double(n);
      return true;
    }
    return false;
  };
  double d = 0;
  if (num("end_of_turn_confidence_threshold", &d) && d >= 0 && d <= 1)
    p->end_of_turn_confidence_threshold = d;
  if (num("vad_threshold", &d) && d >= 0 && d <= 1)
    p->vad_threshold = d;
  if (num("min_end_of_turn_silence_when_confident", &d) && d >= 0)
    p->min_turn_silence = (int64_t)d;
  if (num("min_turn_silence", &d) && d >= 0)
    p->min_turn_silence = (int64_t)d;
  if (num("max_turn_silence", &d) && d >= 0)
    p->max_turn_silence = (int64_t)d;
  JsonNode *n = json_object_get_member(o, "format_turns");
  if (n && json_node_get_value_type(n) == G_TYPE_BOOLEAN)
    p->format_turns = json_node_get_boolean(n);
  n = json_object_get_member(o, "prompt");
  if (n && json_node_get_value_type(n) == G_TYPE_STRING)
    p->prompt = json_node_get_string(n);
  n = json_object_get_member(o, "keyterms_prompt");
  std::string ignored;
  if (n)
    parse_keyterms(n, &p->keyterms, &ignored);
}

}  // namespace aai_emu
