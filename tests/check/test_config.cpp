/* gst-assemblyai
 * Copyright (C) 2026 gst-assemblyai contributors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
/* Unit tests of the session settings (core/config.h): the connection URL is
 * parsed back with GLib's own URI parser and every parameter checked on its
 * own, so a test fails exactly where the wire format would be wrong. */
#include "core/config.h"
#include "core/language.h"

#include <gst/check/gstcheck.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>

#include <clocale>
#include <cmath>
#include <limits>
#include <string>
#include <vector>

using aai::Encoding;
using aai::Settings;

static const char kBase[] = "wss://streaming.assemblyai.com/v3/ws";

/* ---- helpers ----------------------------------------------------------- */

/* fail_unless_equals_string keeps only the char pointer of its argument,
 * which would dangle for a temporary std::string: hold copies first. */
#define ASSERT_STR(got, want)                                   \
  do {                                                          \
    const std::string got_s_ = (got);                           \
    const std::string want_s_ = (want);                         \
    fail_unless_equals_string(got_s_.c_str(), want_s_.c_str()); \
  } while (0)

static std::string url_of(const Settings &s,
                          const std::string &token = "",
                          const std::string &base = kBase)
{
  std::string err;
  std::string url = aai::build_url(base, s, token, &err);
  fail_unless(err.empty(), "build_url failed: %s", err.c_str());
  fail_if(url.empty());
  return url;
}

/* Every query parameter of @url, decoded, in order (duplicates kept). */
static std::vector<std::pair<std::string, std::string>> params_of(
    const std::string &url)
{
  GError *err = nullptr;
  GUri *uri = g_uri_parse(url.c_str(), G_URI_FLAGS_ENCODED, &err);
  fail_unless(uri != nullptr, "'%s' does not parse: %s", url.c_str(),
              err ? err->message : "");
  std::vector<std::pair<std::string, std::string>> out;
  const char *q = g_uri_get_query(uri);
  if (q != nullptr) {
    GUriParamsIter iter;
    char *n, *v;
    g_uri_params_iter_init(&iter, q, -1, "&", G_URI_PARAMS_WWW_FORM);
    while (g_uri_params_iter_next(&iter, &n, &v, &err)) {
      out.emplace_back(n, v);
      g_free(n);
      g_free(v);
    }
    fail_unless(err == nullptr, "query of '%s' does not parse", url.c_str());
  }
  g_uri_unref(uri);
  return out;
}

/* The decoded value of @name in @url's query via g_uri_parse_params;
 * fails the test if the name appears more than once. */
static bool get_param(const std::string &url,
                      const char *name,
                      std::string *value)
{
  int count = 0;
  for (const auto &p : params_of(url))
    if (p.first == name)
      count++;
  fail_unless(count <= 1, "%s appears %d times in %s", name, count,
              url.c_str());

  GUri *uri = g_uri_parse(url.c_str(), G_URI_FLAGS_ENCODED, nullptr);
  fail_unless(uri != nullptr);
  const char *q = g_uri_get_query(uri);
  bool found = false;
  if (q != nullptr) {
    GHashTable *t =
        g_uri_parse_params(q, -1, "&", G_URI_PARAMS_WWW_FORM, nullptr);
    fail_unless(t != nullptr);
    const char *v = static_cast<const char *>(g_hash_table_lookup(t, name));
    if (v != nullptr) {
      found = true;
      if (value != nullptr)
        *value = v;
    }
    g_hash_table_unref(t);
  }
  g_uri_unref(uri);
  return found;
}

static std::string param(const std::string &url, const char *name)
{
  std::string v;
  fail_unless(get_param(url, name, &v), "%s missing from %s", name,
              url.c_str());
  return v;
}

static bool has_param(const std::string &url, const char *name)
{
  return get_param(url, name, nullptr);
}

/* The common shape of the per-parameter URL tests: absent when unset,
 * exactly @want when set. */
static void assert_param(const Settings &set,
                         const char *wire,
                         const char *want)
{
  Settings unset;
  fail_if(has_param(url_of(unset), wire), "%s sent while unset", wire);
  ASSERT_STR(param(url_of(set), wire).c_str(), want);
}

static bool contains(const std::string &hay, const std::string &needle)
{
  return hay.find(needle) != std::string::npos;
}

/* Asserts that validate() accepts @s. */
static void assert_valid(const Settings &s)
{
  std::string e = aai::validate(s);
  fail_unless(e.empty(), "unexpected validation error: %s", e.c_str());
}

/* Asserts that validate() rejects @s with a message naming both the
 * element property and the wire name. */
static void assert_invalid(const Settings &s,
                           const char *property,
                           const char *wire)
{
  std::string e = aai::validate(s);
  fail_if(e.empty(), "expected a validation error about %s", property);
  fail_unless(contains(e, property), "'%s' does not name %s", e.c_str(),
              property);
  if (wire != nullptr)
    fail_unless(contains(e, wire), "'%s' does not name %s", e.c_str(), wire);
  /* A rejected configuration must never reach the wire either. */
  std::string err;
  fail_unless(aai::build_url(kBase, s, "", &err).empty());
  ASSERT_STR(err.c_str(), e.c_str());
}

static JsonObject *parse_object(JsonParser *parser, const std::string &text)
{
  GError *err = nullptr;
  fail_unless(json_parser_load_from_data(parser, text.c_str(), -1, &err),
              "invalid JSON '%s': %s", text.c_str(), err ? err->message : "");
  JsonNode *root = json_parser_get_root(parser);
  fail_unless(JSON_NODE_HOLDS_OBJECT(root));
  return json_node_get_object(root);
}

/* Parses an UpdateConfiguration message, checks its type and that it has
 * exactly @members fields besides "type". */
static JsonObject *parse_update(JsonParser *parser,
                                const std::optional<std::string> &msg,
                                guint members)
{
  fail_unless(msg.has_value(), "expected an UpdateConfiguration message");
  JsonObject *o = parse_object(parser, *msg);
  ASSERT_STR(json_object_get_string_member(o, "type"), "UpdateConfiguration");
  fail_unless_equals_int(json_object_get_size(o), members + 1);
  return o;
}

static std::vector<std::string> json_strings(JsonArray *a)
{
  std::vector<std::string> r;
  for (guint i = 0; i < json_array_get_length(a); i++)
    r.emplace_back(json_array_get_string_element(a, i));
  return r;
}

/* ---- URL: one case per parameter --------------------------------------- */

GST_START_TEST(test_url_defaults_only_required)
{
  auto ps = params_of(url_of(Settings()));
  fail_unless_equals_int(ps.size(), 2);
  ASSERT_STR(ps[0].first.c_str(), "sample_rate");
  ASSERT_STR(ps[0].second.c_str(), "16000");
  ASSERT_STR(ps[1].first.c_str(), "encoding");
  ASSERT_STR(ps[1].second.c_str(), "pcm_s16le");
  fail_unless(g_str_has_prefix(url_of(Settings()).c_str(),
                               "wss://streaming.assemblyai.com/v3/ws?"));
}
GST_END_TEST;

GST_START_TEST(test_url_speech_model)
{
  Settings s;
  s.speech_model = "universal-streaming-multilingual";
  assert_param(s, "speech_model", "universal-streaming-multilingual");
  s.speech_model = "u3-rt-pro";
  ASSERT_STR(param(url_of(s), "speech_model").c_str(), "u3-rt-pro");
}
GST_END_TEST;

GST_START_TEST(test_url_sample_rate)
{
  Settings s;
  ASSERT_STR(param(url_of(s), "sample_rate").c_str(), "16000");
  s.sample_rate = 8000;
  ASSERT_STR(param(url_of(s), "sample_rate").c_str(), "8000");
  s.sample_rate = 48000;
  ASSERT_STR(param(url_of(s), "sample_rate").c_str(), "48000");
}
GST_END_TEST;

GST_START_TEST(test_url_encoding)
{
  Settings s;
  ASSERT_STR(param(url_of(s), "encoding").c_str(), "pcm_s16le");
  s.encoding = Encoding::PcmMulaw;
  s.sample_rate = 8000;
  ASSERT_STR(param(url_of(s), "encoding").c_str(), "pcm_mulaw");
  /* mu-law is accepted at any rate the service takes. */
  s.sample_rate = 16000;
  ASSERT_STR(param(url_of(s), "encoding").c_str(), "pcm_mulaw");
}
GST_END_TEST;

GST_START_TEST(test_url_format_turns)
{
  Settings s;
  s.format_turns = true;
  assert_param(s, "format_turns", "true");
  s.format_turns = false;
  assert_param(s, "format_turns", "false");
}
GST_END_TEST;

GST_START_TEST(test_url_end_of_turn_confidence_threshold)
{
  Settings s;
  s.end_of_turn_confidence_threshold = 0.7;
  assert_param(s, "end_of_turn_confidence_threshold", "0.7");
  s.end_of_turn_confidence_threshold = 0.0;
  assert_param(s, "end_of_turn_confidence_threshold", "0");
  s.end_of_turn_confidence_threshold = 1.0;
  assert_param(s, "end_of_turn_confidence_threshold", "1");
  /* Shortest form that reads back to the very same double. */
  s.end_of_turn_confidence_threshold = 1.0 / 3.0;
  std::string v = param(url_of(s), "end_of_turn_confidence_threshold");
  fail_unless(g_ascii_strtod(v.c_str(), nullptr) == 1.0 / 3.0);
}
GST_END_TEST;

GST_START_TEST(test_url_min_turn_silence)
{
  Settings s;
  s.min_turn_silence = 160;
  assert_param(s, "min_turn_silence", "160");
  s.min_turn_silence = 0;
  assert_param(s, "min_turn_silence", "0");
}
GST_END_TEST;

GST_START_TEST(test_url_max_turn_silence)
{
  Settings s;
  s.max_turn_silence = 2400;
  assert_param(s, "max_turn_silence", "2400");
}
GST_END_TEST;

GST_START_TEST(test_url_vad_threshold)
{
  Settings s;
  s.vad_threshold = 0.25;
  assert_param(s, "vad_threshold", "0.25");
  s.vad_threshold = 0.3;
  assert_param(s, "vad_threshold", "0.3");
}
GST_END_TEST;

GST_START_TEST(test_url_keyterms_prompt)
{
  const std::vector<std::string> terms = {"Keanu Reeves",     "AssemblyAI",
                                          "say \"hi\", then", "a&b=c+d#e%f",
                                          "Zürich ☃ 東京",    "back\\slash"};
  Settings s;
  s.keyterms_prompt = terms;
  std::string url = url_of(s);
  /* One parameter whose value is a JSON array of exactly these strings. */
  std::string v = param(url, "keyterms_prompt");
  JsonParser *parser = json_parser_new();
  GError *err = nullptr;
  fail_unless(json_parser_load_from_data(parser, v.c_str(), -1, &err));
  JsonNode *root = json_parser_get_root(parser);
  fail_unless(JSON_NODE_HOLDS_ARRAY(root));
  std::vector<std::string> got = json_strings(json_node_get_array(root));
  fail_unless(got == terms);
  g_object_unref(parser);
  /* Nothing that could split or end the query is left unescaped. */
  std::string query = url.substr(url.find('?') + 1);
  fail_if(contains(query, "\""));
  fail_if(contains(query, " "));
  fail_if(contains(query, "#"));
  fail_if(contains(query, "+"));
  fail_unless_equals_int(params_of(url).size(), 3);

  Settings unset;
  fail_if(has_param(url_of(unset), "keyterms_prompt"));
  /* An empty list is still a set parameter: "[]". */
  s.keyterms_prompt = std::vector<std::string>();
  ASSERT_STR(param(url_of(s), "keyterms_prompt").c_str(), "[]");
}
GST_END_TEST;

GST_START_TEST(test_url_language_detection)
{
  Settings s;
  s.language_detection = true;
  assert_param(s, "language_detection", "true");
  s.language_detection = false;
  assert_param(s, "language_detection", "false");
}
GST_END_TEST;

GST_START_TEST(test_url_inactivity_timeout)
{
  Settings s;
  s.inactivity_timeout = 30;
  assert_param(s, "inactivity_timeout", "30");
}
GST_END_TEST;

GST_START_TEST(test_url_speaker_labels)
{
  Settings s;
  s.speaker_labels = true;
  assert_param(s, "speaker_labels", "true");
  s.speaker_labels = false;
  assert_param(s, "speaker_labels", "false");
}
GST_END_TEST;

GST_START_TEST(test_url_max_speakers)
{
  Settings s;
  s.speaker_labels = true;
  s.max_speakers = 4;
  assert_param(s, "max_speakers", "4");
  s.max_speakers.reset();
  fail_if(has_param(url_of(s), "max_speakers"));
}
GST_END_TEST;

GST_START_TEST(test_url_prompt)
{
  Settings s;
  s.prompt = "Transcribe verbatim: a&b=c; 100% #1 + \"quotes\" é";
  assert_param(s, "prompt",
               "Transcribe verbatim: a&b=c; 100% #1 + \"quotes\" é");
}
GST_END_TEST;

GST_START_TEST(test_url_language)
{
  Settings s;
  s.language = "multi";
  assert_param(s, "language", "multi");
  s.language = "en";
  assert_param(s, "language", "en");
}
GST_END_TEST;

GST_START_TEST(test_url_filter_profanity)
{
  Settings s;
  s.filter_profanity = true;
  assert_param(s, "filter_profanity", "true");
  s.filter_profanity = false;
  assert_param(s, "filter_profanity", "false");
}
GST_END_TEST;

GST_START_TEST(test_url_webhook_url)
{
  Settings s;
  s.webhook_url = "https://example.com/hook?a=1&b=2";
  assert_param(s, "webhook_url", "https://example.com/hook?a=1&b=2");
}
GST_END_TEST;

GST_START_TEST(test_url_webhook_auth_header)
{
  Settings s;
  s.webhook_auth_header_name = "X-Auth";
  s.webhook_auth_header_value = "s3cr=t&x";
  assert_param(s, "webhook_auth_header_name", "X-Auth");
  assert_param(s, "webhook_auth_header_value", "s3cr=t&x");
}
GST_END_TEST;

GST_START_TEST(test_url_extra_params)
{
  Settings s;
  s.extra_params = {{"mode", "balanced"},
                    {"llm_gateway", "{\"model\":\"x\",\"n\":[1,2]}"},
                    {"odd name", "a&b"}};
  std::string url = url_of(s, "tok");
  ASSERT_STR(param(url, "mode").c_str(), "balanced");
  ASSERT_STR(param(url, "llm_gateway").c_str(),
             "{\"model\":\"x\",\"n\":[1,2]}");
  ASSERT_STR(param(url, "odd name").c_str(), "a&b");
  /* In the given order, after every known parameter, before the token. */
  auto ps = params_of(url);
  fail_unless_equals_int(ps.size(), 6);
  ASSERT_STR(ps[2].first.c_str(), "mode");
  ASSERT_STR(ps[3].first.c_str(), "llm_gateway");
  ASSERT_STR(ps[4].first.c_str(), "odd name");
  ASSERT_STR(ps[5].first.c_str(), "token");
}
GST_END_TEST;

GST_START_TEST(test_url_token)
{
  Settings s;
  /* Header auth modes pass an empty token: no secret in the URL. */
  fail_if(has_param(url_of(s, ""), "token"));
  std::string url = url_of(s, "tmp+tok/=&en");
  ASSERT_STR(param(url, "token").c_str(), "tmp+tok/=&en");
  auto ps = params_of(url);
  ASSERT_STR(ps.back().first.c_str(), "token");
}
GST_END_TEST;

GST_START_TEST(test_url_parameter_order)
{
  Settings s;
  s.speech_model = "universal-streaming-english";
  s.format_turns = true;
  s.end_of_turn_confidence_threshold = 0.5;
  s.min_turn_silence = 100;
  s.max_turn_silence = 1000;
  s.vad_threshold = 0.4;
  s.keyterms_prompt = std::vector<std::string>{"x"};
  s.language_detection = false;
  s.inactivity_timeout = 60;
  s.speaker_labels = true;
  s.max_speakers = 2;
  s.prompt = "p";
  s.language = "en";
  s.filter_profanity = true;
  s.webhook_url = "https://example.com/h";
  s.webhook_auth_header_name = "X-Key";
  s.webhook_auth_header_value = "v";
  s.extra_params = {{"mode", "balanced"}};
  const char *want[] = {"speech_model",
                        "sample_rate",
                        "encoding",
                        "format_turns",
                        "end_of_turn_confidence_threshold",
                        "min_turn_silence",
                        "max_turn_silence",
                        "vad_threshold",
                        "keyterms_prompt",
                        "language_detection",
                        "inactivity_timeout",
                        "speaker_labels",
                        "max_speakers",
                        "prompt",
                        "language",
                        "filter_profanity",
                        "webhook_url",
                        "webhook_auth_header_name",
                        "webhook_auth_header_value",
                        "mode",
                        "token"};
  auto ps = params_of(url_of(s, "t"));
  fail_unless_equals_int(ps.size(), G_N_ELEMENTS(want));
  for (size_t i = 0; i < G_N_ELEMENTS(want); i++)
    ASSERT_STR(ps[i].first.c_str(), want[i]);
}
GST_END_TEST;

/* Removes a directory tree made by this test (localedef output). */
static void remove_tree(const char *path)
{
  if (g_file_test(path, G_FILE_TEST_IS_DIR)) {
    GDir *d = g_dir_open(path, 0, nullptr);
    if (d != nullptr) {
      const char *name;
      while ((name = g_dir_read_name(d)) != nullptr) {
        char *child = g_build_filename(path, name, nullptr);
        remove_tree(child);
        g_free(child);
      }
      g_dir_close(d);
    }
  }
  g_remove(path);
}

/* Switches LC_NUMERIC to a locale whose decimal separator is ','. Debian
 * images often ship no such locale, so one is compiled into a temporary
 * LOCPATH with localedef when the system has none. Returns false (and the
 * caller skips only the locale part) if neither works. */
static bool use_comma_locale(char **tmpdir)
{
  const char *names[] = {"de_DE.UTF-8", "de_DE.utf8", "de_DE", "fr_FR.UTF-8"};
  for (const char *n : names)
    if (setlocale(LC_NUMERIC, n) != nullptr &&
        std::string(localeconv()->decimal_point) == ",")
      return true;

  *tmpdir = g_dir_make_tmp("aai-locale-XXXXXX", nullptr);
  if (*tmpdir == nullptr)
    return false;
  char *out = g_build_filename(*tmpdir, "de_DE.UTF-8", nullptr);
  const char *argv[] = {"localedef", "-i", "de_DE", "-f",
                        "UTF-8",     out,  nullptr};
  int status = 0;
  gboolean ran =
      g_spawn_sync(nullptr, const_cast<char **>(argv), nullptr,
                   static_cast<GSpawnFlags>(G_SPAWN_SEARCH_PATH |
                                            G_SPAWN_STDOUT_TO_DEV_NULL |
                                            G_SPAWN_STDERR_TO_DEV_NULL),
                   nullptr, nullptr, nullptr, nullptr, &status, nullptr);
  g_free(out);
  if (!ran || !g_spawn_check_wait_status(status, nullptr))
    return false;
  g_setenv("LOCPATH", *tmpdir, TRUE);
  return setlocale(LC_NUMERIC, "de_DE.UTF-8") != nullptr &&
         std::string(localeconv()->decimal_point) == ",";
}

GST_START_TEST(test_url_doubles_locale_independent)
{
  /* Everything is computed under the comma locale first and asserted only
   * after the locale and its temporary files are gone, so a failing
   * assertion (which ends the test at once) leaves nothing behind. */
  char *tmpdir = nullptr;
  bool comma = use_comma_locale(&tmpdir);
  char printed[32];
  g_snprintf(printed, sizeof printed, "%.2f", 0.25);

  Settings s;
  s.end_of_turn_confidence_threshold = 0.25;
  s.vad_threshold = 0.125;
  std::string err;
  std::string url = aai::build_url(kBase, s, "", &err);
  Settings n = s;
  n.vad_threshold = 0.5;
  auto msg = aai::update_configuration_message(s, n);

  setlocale(LC_NUMERIC, "C");
  if (tmpdir != nullptr) {
    g_unsetenv("LOCPATH");
    remove_tree(tmpdir);
    g_free(tmpdir);
  }

  if (comma) {
    /* Proves the locale was active: printf itself wrote a comma. */
    ASSERT_STR(printed, "0,25");
  } else {
    GST_INFO(
        "no locale with a decimal comma available; format checked in "
        "the C locale only");
  }
  fail_unless(err.empty(), "%s", err.c_str());
  ASSERT_STR(param(url, "end_of_turn_confidence_threshold"), "0.25");
  ASSERT_STR(param(url, "vad_threshold"), "0.125");
  fail_if(contains(url, ","));
  fail_if(contains(url, "%2C"));
  /* UpdateConfiguration numbers are JSON: never a comma either. */
  fail_unless(msg.has_value());
  fail_unless(contains(*msg, "\"vad_threshold\":0.5"), "%s", msg->c_str());
  fail_if(contains(*msg, "0,5"), "%s", msg->c_str());
}
GST_END_TEST;

/* ---- URL: the base ----------------------------------------------------- */

GST_START_TEST(test_url_base_query_kept)
{
  Settings s;
  s.speech_model = "u3-rt-pro";
  std::string url = url_of(
      s, "",
      "wss://kp.example/v1/assemblyai/v3/ws?team=a%20b&x=1&sample_rate=8000");
  auto ps = params_of(url);
  /* The base's own parameters first, in their order, decoded unchanged. */
  ASSERT_STR(ps[0].first.c_str(), "team");
  ASSERT_STR(ps[0].second.c_str(), "a b");
  ASSERT_STR(ps[1].first.c_str(), "x");
  ASSERT_STR(ps[1].second.c_str(), "1");
  /* A parameter we send replaces the base's copy: one value on the wire. */
  ASSERT_STR(param(url, "sample_rate").c_str(), "16000");
  ASSERT_STR(param(url, "speech_model").c_str(), "u3-rt-pro");
  fail_unless_equals_int(ps.size(), 5);
  fail_unless(
      g_str_has_prefix(url.c_str(), "wss://kp.example/v1/assemblyai/v3/ws?"));
}
GST_END_TEST;

GST_START_TEST(test_url_base_parts_kept)
{
  Settings s;
  std::string url = url_of(s, "", "ws://127.0.0.1:8080/v3/ws");
  fail_unless(g_str_has_prefix(url.c_str(), "ws://127.0.0.1:8080/v3/ws?"), "%s",
              url.c_str());
  url = url_of(s, "", "ws://[::1]:9000/v3/ws");
  fail_unless(g_str_has_prefix(url.c_str(), "ws://[::1]:9000/v3/ws?"), "%s",
              url.c_str());
  url = url_of(s, "", "WSS://Example.com/a%20b/ws?");
  GUri *u = g_uri_parse(url.c_str(), G_URI_FLAGS_NONE, nullptr);
  fail_unless(u != nullptr);
  ASSERT_STR(g_uri_get_path(u), "/a b/ws");
  fail_unless_equals_int(params_of(url).size(), 2);
  g_uri_unref(u);
}
GST_END_TEST;

GST_START_TEST(test_url_invalid_base)
{
  Settings s;
  std::string err;
  fail_unless(aai::build_url("http://x", s, "", &err).empty());
  ASSERT_STR(err.c_str(), "url 'http://x' is not a ws:// or wss:// URL");

  const char *bad[] = {"",
                       "not a url",
                       "streaming.assemblyai.com/v3/ws",
                       "/v3/ws",
                       "https://streaming.assemblyai.com/v3/ws",
                       "wss://",
                       "wss:///v3/ws",
                       "wss://h/v3/ws#frag",
                       "wss://h/v3/ws?a=%zz",
                       "wss://h:99999999/"};
  for (const char *b : bad) {
    err.clear();
    fail_unless(aai::build_url(b, s, "", &err).empty(), "accepted '%s'", b);
    fail_unless(contains(err, "url '"), "no message for '%s': %s", b,
                err.c_str());
  }
  /* A forgotten scheme is named in the message (nothing secret in it). */
  err.clear();
  fail_unless(
      aai::build_url("streaming.assemblyai.com/v3/ws", s, "", &err).empty());
  fail_unless(contains(err, "'streaming.assemblyai.com/v3/ws'"), "%s",
              err.c_str());
  err.clear();
  fail_unless(aai::build_url("wss://h/v3/ws?flag", s, "", &err).empty());
  fail_unless(contains(err, "malformed query"), "%s", err.c_str());
  /* A null error pointer is allowed. */
  fail_unless(aai::build_url("http://x", s, "", nullptr).empty());

  /* A rejected base is never echoed with its secret. */
  err.clear();
  fail_unless(aai::build_url("streaming.assemblyai.com/v3/ws?token=SECRET1", s,
                             "", &err)
                  .empty());
  fail_if(contains(err, "SECRET1"), "%s", err.c_str());
  err.clear();
  fail_unless(
      aai::build_url("https://u:PASS2@h/v3/ws?token=SECRET3", s, "", &err)
          .empty());
  fail_if(contains(err, "SECRET3") || contains(err, "PASS2"), "%s",
          err.c_str());
  /* GLib percent-decodes the host and ends the userinfo at the first '@'
   * (found by fuzz-config): the first base used to give
   * "wss://evil.example/.assemblyai.com/v3/ws?...&token=..." (another host,
   * with the token), the second a redacted "wss://ss@streaming..." (part
   * of the password). */
  const char *bad_hosts[] = {"wss://evil.example%2F.assemblyai.com/v3/ws",
                             "wss://user:p@ss@streaming.assemblyai.com/v3/ws",
                             "wss://h%3A1/v3/ws",
                             "wss://h%40x/v3/ws",
                             "wss://h%3Fa=1/v3/ws",
                             "wss://h%25/v3/ws"};
  for (const char *b : bad_hosts) {
    err.clear();
    fail_unless(aai::build_url(b, s, "TOKEN5", &err).empty(), "accepted '%s'",
                b);
    fail_unless(contains(err, "host"), "%s", err.c_str());
    fail_if(contains(err, "TOKEN5") || contains(err, "ss@"), "%s", err.c_str());
  }
  /* Hosts GLib hands back as they were are still fine. */
  fail_if(url_of(s, "", "wss://a-b.c_d~e/v3/ws").empty());
  fail_if(url_of(s, "", "ws://10.0.0.1:8080/v3/ws").empty());
  fail_unless(
      g_str_has_prefix(url_of(s, "", "wss://h%2D1/x").c_str(), "wss://h-1/x?"));

  const char *secret_bases[] = {
      "wss://h/v3/ws?token=SECRET4&flag", "wss://h/v3/ws?token=SECRET4&a=%zz",
      "wss://u:SECRET4@h/v3/ws#x", "wss://h/v3/ws?token=SECRET4#frag"};
  for (const char *b : secret_bases) {
    err.clear();
    fail_unless(aai::build_url(b, s, "", &err).empty(), "accepted '%s'", b);
    fail_if(contains(err, "SECRET4"), "%s", err.c_str());
  }
}
GST_END_TEST;

/* ---- redact_url -------------------------------------------------------- */

GST_START_TEST(test_redact_url)
{
  Settings s;
  s.webhook_url = "https://example.com/h";
  s.webhook_auth_header_name = "X-Auth";
  s.webhook_auth_header_value = "HOOKSECRET";
  std::string url =
      url_of(s, "TOKSECRET", "wss://user:PASSWORD@h.example/v3/ws");
  std::string r = aai::redact_url(url);
  fail_if(contains(r, "TOKSECRET"), "%s", r.c_str());
  fail_if(contains(r, "HOOKSECRET"), "%s", r.c_str());
  fail_if(contains(r, "PASSWORD") || contains(r, "user"), "%s", r.c_str());
  ASSERT_STR(param(r, "token").c_str(), "***");
  ASSERT_STR(param(r, "webhook_auth_header_value").c_str(), "***");
  /* Everything else is still there to debug with. */
  ASSERT_STR(param(r, "sample_rate").c_str(), "16000");
  ASSERT_STR(param(r, "webhook_auth_header_name").c_str(), "X-Auth");
  fail_unless(g_str_has_prefix(r.c_str(), "wss://h.example/v3/ws?"), "%s",
              r.c_str());

  /* No query at all. */
  ASSERT_STR(aai::redact_url("wss://h/v3/ws").c_str(), "wss://h/v3/ws");
  ASSERT_STR(aai::redact_url("wss://a:b@h:8443/x").c_str(), "wss://h:8443/x");
}
GST_END_TEST;

GST_START_TEST(test_redact_url_malformed)
{
  /* Whatever the shape, the secret never comes back. */
  const char *inputs[] = {
      "streaming.assemblyai.com/v3/ws?token=SECRET",
      "wss://h/v3/ws?token=SECRET&bad=%zz",
      "wss://h/v3/ws?token=SECRET&flag",
      "wss://h/v3/ws?a=1;token=SECRET",
      "wss://h/v3/ws?TOKEN=SECRET",
      "wss://h/v3/ws?t%6Fken=SECRET",
      "wss://h/v3/ws?token=SECRET#frag",
      "wss://h/v3/ws?x=1#token=SECRET",
      "foo:token=SECRET",
      "wss://us:SECRET@h/",
      "wss://us:x@SECRET@h/",
      "wss://us:x@y@SECRET/",
      "wss://h/v3/ws?token=SECRET&token=SECRET",
      "ws s://h/?token=SECRET",
      "",
  };
  for (const char *in : inputs) {
    std::string r = aai::redact_url(in);
    fail_if(contains(r, "SECRET"), "'%s' -> '%s'", in, r.c_str());
    fail_if(r.empty(), "'%s' gave nothing", in);
  }
  ASSERT_STR(
      aai::redact_url("streaming.assemblyai.com/v3/ws?token=SECRET").c_str(),
      "<invalid url>");
  ASSERT_STR(aai::redact_url("foo:token=SECRET").c_str(), "<invalid url>");
  /* A host GLib decodes to something that is not a host. */
  ASSERT_STR(aai::redact_url("wss://us:x@SECRET@h/").c_str(), "<invalid url>");
  ASSERT_STR(aai::redact_url("wss://evil.example%2F.h/v3/ws").c_str(),
             "<invalid url>");
  /* A query that does not parse is hidden as a whole. */
  ASSERT_STR(aai::redact_url("wss://h/v3/ws?token=SECRET&flag"),
             "wss://h/v3/ws?***");
  /* An embedded NUL cannot hide the rest of the string from the parser. */
  std::string nul("wss://h/v3/ws\0?token=SECRET", 27);
  fail_if(contains(aai::redact_url(nul), "SECRET"));
}
GST_END_TEST;

/* ---- validate: one case per rule --------------------------------------- */

GST_START_TEST(test_validate_defaults_and_full)
{
  assert_valid(Settings());
  Settings s;
  s.speech_model = "universal-streaming-english";
  s.format_turns = true;
  s.end_of_turn_confidence_threshold = 0.4;
  s.min_turn_silence = 400;
  s.max_turn_silence = 1280;
  s.vad_threshold = 0.4;
  s.keyterms_prompt = std::vector<std::string>{"AssemblyAI"};
  s.language_detection = true;
  s.inactivity_timeout = 60;
  s.speaker_labels = true;
  s.max_speakers = 3;
  s.prompt = "p";
  s.language = "en";
  s.filter_profanity = false;
  s.webhook_url = "https://example.com/h";
  s.webhook_auth_header_name = "Authorization";
  s.webhook_auth_header_value = "Bearer x";
  s.extra_params = {{"mode", "balanced"}};
  s.chunk_duration_ms = 100;
  assert_valid(s);
}
GST_END_TEST;

GST_START_TEST(test_validate_sample_rate)
{
  Settings s;
  s.sample_rate = 8000;
  assert_valid(s);
  s.sample_rate = 48000;
  assert_valid(s);
  s.sample_rate = 7999;
  assert_invalid(s, "sample rate", "sample_rate");
  fail_unless(contains(aai::validate(s), "7999"));
  s.sample_rate = 48001;
  assert_invalid(s, "sample rate", "sample_rate");
  s.sample_rate = 0;
  assert_invalid(s, "sample rate", "sample_rate");
}
GST_END_TEST;

GST_START_TEST(test_validate_encoding)
{
  Settings s;
  s.encoding = Encoding::PcmMulaw;
  assert_valid(s);
  s.encoding = static_cast<Encoding>(7);
  assert_invalid(s, "encoding", "pcm_s16le");
}
GST_END_TEST;

GST_START_TEST(test_validate_chunk_duration)
{
  Settings s;
  s.chunk_duration_ms = 50;
  assert_valid(s);
  s.chunk_duration_ms = 1000;
  assert_valid(s);
  s.chunk_duration_ms = 49;
  assert_invalid(s, "chunk-duration", "49");
  s.chunk_duration_ms = 1001;
  assert_invalid(s, "chunk-duration", "1001");
}
GST_END_TEST;

GST_START_TEST(test_validate_end_of_turn_confidence_threshold)
{
  Settings s;
  s.end_of_turn_confidence_threshold = 0.0;
  assert_valid(s);
  s.end_of_turn_confidence_threshold = 1.0;
  assert_valid(s);
  s.end_of_turn_confidence_threshold = 1.5;
  ASSERT_STR(
      aai::validate(s).c_str(),
      "end-of-turn-confidence-threshold (end_of_turn_confidence_threshold) "
      "must be between 0.0 and 1.0, got 1.5");
  s.end_of_turn_confidence_threshold = -0.001;
  assert_invalid(s, "end-of-turn-confidence-threshold",
                 "end_of_turn_confidence_threshold");
  s.end_of_turn_confidence_threshold = std::nan("");
  assert_invalid(s, "end-of-turn-confidence-threshold",
                 "end_of_turn_confidence_threshold");
  s.end_of_turn_confidence_threshold = std::numeric_limits<double>::infinity();
  assert_invalid(s, "end-of-turn-confidence-threshold",
                 "end_of_turn_confidence_threshold");
}
GST_END_TEST;

GST_START_TEST(test_validate_vad_threshold)
{
  Settings s;
  s.vad_threshold = 0.0;
  assert_valid(s);
  s.vad_threshold = 1.0;
  assert_valid(s);
  s.vad_threshold = 1.0000001;
  assert_invalid(s, "vad-threshold", "vad_threshold");
  s.vad_threshold = std::nan("");
  assert_invalid(s, "vad-threshold", "vad_threshold");
}
GST_END_TEST;

GST_START_TEST(test_validate_min_turn_silence)
{
  Settings s;
  s.min_turn_silence = 0;
  assert_valid(s);
  s.min_turn_silence = 60000;
  assert_valid(s);
  s.min_turn_silence = -1;
  assert_invalid(s, "min-turn-silence", "min_turn_silence");
  s.min_turn_silence = 60001;
  assert_invalid(s, "min-turn-silence", "min_turn_silence");
}
GST_END_TEST;

GST_START_TEST(test_validate_max_turn_silence)
{
  Settings s;
  s.max_turn_silence = 0;
  assert_valid(s);
  s.max_turn_silence = 60000;
  assert_valid(s);
  s.max_turn_silence = -1;
  assert_invalid(s, "max-turn-silence", "max_turn_silence");
  s.max_turn_silence = 60001;
  assert_invalid(s, "max-turn-silence", "max_turn_silence");
}
GST_END_TEST;

GST_START_TEST(test_validate_min_not_above_max_silence)
{
  Settings s;
  s.min_turn_silence = 500;
  s.max_turn_silence = 500;
  assert_valid(s);
  s.min_turn_silence = 501;
  assert_invalid(s, "min-turn-silence", "max_turn_silence");
  /* Only one of them set: nothing to compare. */
  s.max_turn_silence.reset();
  assert_valid(s);
}
GST_END_TEST;

GST_START_TEST(test_validate_inactivity_timeout)
{
  Settings s;
  s.inactivity_timeout = 5;
  assert_valid(s);
  s.inactivity_timeout = 3600;
  assert_valid(s);
  s.inactivity_timeout = 4;
  assert_invalid(s, "inactivity-timeout", "inactivity_timeout");
  s.inactivity_timeout = 3601;
  assert_invalid(s, "inactivity-timeout", "inactivity_timeout");
}
GST_END_TEST;

GST_START_TEST(test_validate_max_speakers)
{
  Settings s;
  s.speaker_labels = true;
  s.max_speakers = 1;
  assert_valid(s);
  s.max_speakers = 10;
  assert_valid(s);
  s.max_speakers = 0;
  assert_invalid(s, "max-speakers", "max_speakers");
  s.max_speakers = 11;
  assert_invalid(s, "max-speakers", "max_speakers");
}
GST_END_TEST;

GST_START_TEST(test_validate_max_speakers_needs_speaker_labels)
{
  Settings s;
  s.max_speakers = 2;
  assert_invalid(s, "max-speakers", "speaker_labels");
  s.speaker_labels = false;
  assert_invalid(s, "max-speakers", "speaker_labels");
  s.speaker_labels = true;
  assert_valid(s);
}
GST_END_TEST;

GST_START_TEST(test_validate_keyterms_count)
{
  Settings s;
  s.keyterms_prompt = std::vector<std::string>(100, "term");
  assert_valid(s);
  s.keyterms_prompt->push_back("one-too-many");
  assert_invalid(s, "keyterms", "keyterms_prompt");
  fail_unless(contains(aai::validate(s), "101"));
  s.keyterms_prompt = std::vector<std::string>();
  assert_valid(s);
}
GST_END_TEST;

GST_START_TEST(test_validate_keyterms_length)
{
  Settings s;
  /* 50 characters are allowed even when they take 100 bytes. */
  std::string fifty_e;
  for (int i = 0; i < 50; i++)
    fifty_e += "é";
  s.keyterms_prompt = std::vector<std::string>{std::string(50, 'a'), fifty_e};
  assert_valid(s);
  s.keyterms_prompt = std::vector<std::string>{std::string(51, 'a')};
  assert_invalid(s, "keyterms", "keyterms_prompt");
  fail_unless(contains(aai::validate(s), "51"));
  s.keyterms_prompt = std::vector<std::string>{fifty_e + "é"};
  assert_invalid(s, "keyterms", "keyterms_prompt");
}
GST_END_TEST;

GST_START_TEST(test_validate_keyterms_empty_term)
{
  Settings s;
  s.keyterms_prompt = std::vector<std::string>{"ok", ""};
  assert_invalid(s, "keyterms", "keyterms_prompt");
  fail_unless(contains(aai::validate(s), "term 2"));
}
GST_END_TEST;

GST_START_TEST(test_validate_keyterms_utf8)
{
  Settings s;
  s.keyterms_prompt = std::vector<std::string>{"bad \xff\xfe"};
  assert_invalid(s, "keyterms", "UTF-8");
  /* The message itself stays valid UTF-8. */
  std::string e = aai::validate(s);
  fail_unless(g_utf8_validate(e.c_str(), -1, nullptr));
  s.keyterms_prompt = std::vector<std::string>{std::string("a\0b", 3)};
  assert_invalid(s, "keyterms", "keyterms_prompt");
}
GST_END_TEST;

GST_START_TEST(test_validate_prompt_utf8)
{
  Settings s;
  s.prompt = "Zürich ☃";
  assert_valid(s);
  s.prompt = "caf\xe9";
  assert_invalid(s, "prompt", "UTF-8");
  s.prompt = std::string("a\0b", 3);
  assert_invalid(s, "prompt", "UTF-8");
}
GST_END_TEST;

GST_START_TEST(test_validate_language)
{
  Settings s;
  s.language = "en";
  assert_valid(s);
  s.language = "multi";
  assert_valid(s);
  s.language = "de";
  assert_invalid(s, "language", "\"de\"");
  s.language = "";
  assert_invalid(s, "language", "multi");
}
GST_END_TEST;

GST_START_TEST(test_validate_speech_model)
{
  Settings s;
  const char *ok[] = {"universal-streaming-english", "u3-rt-pro",
                      "universal-3-6", "whisper-rt", "a.b_c-1"};
  for (const char *m : ok) {
    s.speech_model = m;
    assert_valid(s);
  }
  const char *bad[] = {"", "Universal", "a b", "x&y", "ü"};
  for (const char *m : bad) {
    s.speech_model = m;
    assert_invalid(s, "speech-model", "speech_model");
  }
}
GST_END_TEST;

GST_START_TEST(test_validate_whisper_rt)
{
  Settings base;
  base.speech_model = "whisper-rt";
  base.format_turns = true;
  base.language_detection = true;
  assert_valid(base);

  Settings s = base;
  s.keyterms_prompt = std::vector<std::string>{"x"};
  assert_invalid(s, "whisper-rt", "keyterms_prompt");
  s = base;
  s.prompt = "p";
  assert_invalid(s, "whisper-rt", "prompt");
  s = base;
  s.speaker_labels = true;
  assert_invalid(s, "whisper-rt", "speaker_labels");
  s = base;
  s.language = "en";
  assert_invalid(s, "whisper-rt", "(language)");
}
GST_END_TEST;

GST_START_TEST(test_validate_extra_params)
{
  Settings s;
  s.extra_params = {{"mode", "balanced"}, {"domain", "medical-v1"}};
  assert_valid(s);
  s.extra_params = {{"", "x"}};
  assert_invalid(s, "extra-params", "empty name");
  s.extra_params = {{"sample_rate", "8000"}};
  assert_invalid(s, "extra-params", "sample_rate");
  s.extra_params = {{"keyterms_prompt", "[]"}};
  assert_invalid(s, "extra-params", "keyterms_prompt");
  /* An extra token would put a credential in the URL in any auth mode. */
  s.extra_params = {{"token", "x"}};
  assert_invalid(s, "extra-params", "\"token\"");
  s.extra_params = {{"mode", "a"}, {"mode", "b"}};
  assert_invalid(s, "extra-params", "more than once");
  s.extra_params = {{"mode", "\xff"}};
  assert_invalid(s, "extra-params", "UTF-8");
}
GST_END_TEST;

GST_START_TEST(test_validate_webhook)
{
  Settings s;
  s.webhook_url = "https://example.com/hook";
  assert_valid(s);
  s.webhook_url = "ftp://example.com/hook";
  assert_invalid(s, "webhook-url", "webhook_url");
  s.webhook_url = "example.com/hook";
  assert_invalid(s, "webhook-url", "webhook_url");

  s = Settings();
  s.webhook_auth_header_name = "X-Auth";
  s.webhook_auth_header_value = "SECRETVALUE";
  assert_valid(s);
  s.webhook_auth_header_name = "Bad Name:";
  assert_invalid(s, "webhook-auth-header-name", "webhook_auth_header_name");
  /* The secret value is never quoted back. */
  s.webhook_auth_header_value = "SECRETVALUE\xff";
  fail_if(contains(aai::validate(s), "SECRETVALUE"));
  assert_invalid(s, "webhook-auth-header-value", "webhook_auth_header_value");
}
GST_END_TEST;

GST_START_TEST(test_validate_webhook_header_pair)
{
  Settings s;
  s.webhook_auth_header_name = "X-Auth";
  assert_invalid(s, "webhook-auth-header-value", "set together");
  s = Settings();
  s.webhook_auth_header_value = "v";
  assert_invalid(s, "webhook-auth-header-name", "set together");
}
GST_END_TEST;

GST_START_TEST(test_validate_several_problems)
{
  Settings s;
  s.sample_rate = 1;
  s.vad_threshold = 2.0;
  s.inactivity_timeout = 1;
  std::string e = aai::validate(s);
  gchar **parts = g_strsplit(e.c_str(), "; ", -1);
  fail_unless_equals_int(g_strv_length(parts), 3);
  fail_unless(contains(parts[0], "sample_rate"));
  fail_unless(contains(parts[1], "vad_threshold"));
  fail_unless(contains(parts[2], "inactivity_timeout"));
  g_strfreev(parts);
}
GST_END_TEST;

/* ---- immutable_changes ------------------------------------------------- */

GST_START_TEST(test_immutable_changes)
{
  Settings a;
  a.speaker_labels = true;
  fail_unless(aai::immutable_changes(a, a).empty());

  struct Case {
    const char *wire;
    void (*change)(Settings &);
  };
  const Case cases[] = {
      {"speech_model", [](Settings &s) { s.speech_model = "u3-rt-pro"; }},
      {"sample_rate", [](Settings &s) { s.sample_rate = 8000; }},
      {"encoding", [](Settings &s) { s.encoding = Encoding::PcmMulaw; }},
      {"language_detection", [](Settings &s) { s.language_detection = true; }},
      {"inactivity_timeout", [](Settings &s) { s.inactivity_timeout = 10; }},
      {"speaker_labels", [](Settings &s) { s.speaker_labels.reset(); }},
      {"max_speakers", [](Settings &s) { s.max_speakers = 2; }},
      {"language", [](Settings &s) { s.language = "multi"; }},
      {"webhook_url", [](Settings &s) { s.webhook_url = "https://e/h"; }},
      {"webhook_auth_header_name",
       [](Settings &s) { s.webhook_auth_header_name = "X"; }},
      {"webhook_auth_header_value",
       [](Settings &s) { s.webhook_auth_header_value = "v"; }},
      {"extra_params",
       [](Settings &s) {
         s.extra_params = {{"mode", "x"}};
       }},
  };
  for (const auto &c : cases) {
    Settings b = a;
    c.change(b);
    auto r = aai::immutable_changes(a, b);
    fail_unless_equals_int(r.size(), 1);
    ASSERT_STR(r[0].c_str(), c.wire);
    /* Symmetric: going back is the same change. */
    fail_unless(aai::immutable_changes(b, a) == r);
  }

  /* Several at once, in URL order. */
  Settings b = a;
  b.encoding = Encoding::PcmMulaw;
  b.speech_model = "u3-rt-pro";
  auto r = aai::immutable_changes(a, b);
  fail_unless_equals_int(r.size(), 2);
  ASSERT_STR(r[0].c_str(), "speech_model");
  ASSERT_STR(r[1].c_str(), "encoding");
}
GST_END_TEST;

GST_START_TEST(test_immutable_changes_ignores_mutable)
{
  Settings a;
  Settings b;
  b.end_of_turn_confidence_threshold = 0.5;
  b.min_turn_silence = 100;
  b.max_turn_silence = 900;
  b.vad_threshold = 0.2;
  b.keyterms_prompt = std::vector<std::string>{"x"};
  b.prompt = "p";
  b.format_turns = true;
  b.filter_profanity = true;
  /* Not a wire parameter at all. */
  b.chunk_duration_ms = 200;
  fail_unless(aai::immutable_changes(a, b).empty());
}
GST_END_TEST;

GST_START_TEST(test_applied_settings)
{
  /* A session opened with @running; the user then sets everything. */
  Settings running;
  running.speech_model = "universal-streaming-english";
  running.speaker_labels = true;
  running.min_turn_silence = 100;
  Settings wanted = running;
  wanted.speech_model = "u3-rt-pro";
  wanted.sample_rate = 8000;
  wanted.encoding = Encoding::PcmMulaw;
  wanted.speaker_labels = false;
  wanted.max_speakers = 3;
  wanted.inactivity_timeout = 30;
  wanted.extra_params = {{"mode", "x"}};
  wanted.chunk_duration_ms = 200;
  wanted.min_turn_silence = 400;
  wanted.vad_threshold = 0.3;
  wanted.keyterms_prompt = std::vector<std::string>{"gst"};
  wanted.format_turns = true;

  Settings applied = aai::applied_settings(running, wanted);
  /* Everything fixed for the session stays as it was opened... */
  fail_unless(aai::immutable_changes(running, applied).empty());
  fail_unless_equals_int(applied.chunk_duration_ms, running.chunk_duration_ms);
  /* ...and the mid-stream parameters are the new ones, so the next
   * UpdateConfiguration is computed from what the service now has. */
  fail_unless_equals_int(*applied.min_turn_silence, 400);
  fail_unless(*applied.vad_threshold == 0.3);
  fail_unless(*applied.format_turns);
  fail_unless(!aai::update_configuration_message(applied, wanted));
}
GST_END_TEST;

/* GCC 12 with -fsanitize=address reports a false -Wmaybe-uninitialized
 * inside std::optional<std::string> assignment in the tests below (the
 * optional is default-constructed, then assigned); silenced here only. */
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#endif

/* ---- update_configuration_message -------------------------------------- */

GST_START_TEST(test_update_each_mutable_field)
{
  Settings old_s;
  JsonParser *parser = json_parser_new();
  JsonObject *o;
  Settings n;

  n = old_s;
  n.end_of_turn_confidence_threshold = 0.7;
  o = parse_update(parser, aai::update_configuration_message(old_s, n), 1);
  fail_unless(json_object_get_double_member(
                  o, "end_of_turn_confidence_threshold") == 0.7);

  n = old_s;
  n.min_turn_silence = 160;
  o = parse_update(parser, aai::update_configuration_message(old_s, n), 1);
  fail_unless_equals_int(json_object_get_int_member(o, "min_turn_silence"),
                         160);

  n = old_s;
  n.max_turn_silence = 2000;
  o = parse_update(parser, aai::update_configuration_message(old_s, n), 1);
  fail_unless_equals_int(json_object_get_int_member(o, "max_turn_silence"),
                         2000);

  n = old_s;
  n.vad_threshold = 0.3;
  o = parse_update(parser, aai::update_configuration_message(old_s, n), 1);
  fail_unless(json_object_get_double_member(o, "vad_threshold") == 0.3);

  n = old_s;
  n.keyterms_prompt = std::vector<std::string>{"a \"b\", c", "東京"};
  o = parse_update(parser, aai::update_configuration_message(old_s, n), 1);
  /* A real JSON array here, not a string holding one. */
  JsonNode *kt = json_object_get_member(o, "keyterms_prompt");
  fail_unless(JSON_NODE_HOLDS_ARRAY(kt));
  fail_unless(json_strings(json_node_get_array(kt)) == *n.keyterms_prompt);

  n = old_s;
  n.prompt = "Say \"hi\"\n";
  o = parse_update(parser, aai::update_configuration_message(old_s, n), 1);
  ASSERT_STR(json_object_get_string_member(o, "prompt"), "Say \"hi\"\n");

  n = old_s;
  n.format_turns = false;
  o = parse_update(parser, aai::update_configuration_message(old_s, n), 1);
  fail_unless(JSON_NODE_HOLDS_VALUE(json_object_get_member(o, "format_turns")));
  fail_unless(json_object_get_boolean_member(o, "format_turns") == FALSE);

  n = old_s;
  n.filter_profanity = true;
  o = parse_update(parser, aai::update_configuration_message(old_s, n), 1);
  fail_unless(json_object_get_boolean_member(o, "filter_profanity"));

  g_object_unref(parser);
}
GST_END_TEST;

GST_START_TEST(test_update_tiny_doubles)
{
  /* json-glib's generator wrote these as 2e-12.0 and 1e-08.0, which is not
   * JSON (found by fuzz-config): the service would close the session. */
  Settings a, b;
  b.end_of_turn_confidence_threshold = 2e-12;
  b.vad_threshold = 1e-8;
  JsonParser *parser = json_parser_new();
  auto msg = aai::update_configuration_message(a, b);
  JsonObject *o = parse_update(parser, msg, 2);
  fail_unless(json_object_get_double_member(
                  o, "end_of_turn_confidence_threshold") == 2e-12);
  fail_unless(json_object_get_double_member(o, "vad_threshold") == 1e-8);
  ASSERT_STR(*msg,
             "{\"type\":\"UpdateConfiguration\","
             "\"end_of_turn_confidence_threshold\":2e-12,"
             "\"vad_threshold\":1e-08}");
  /* The shortest exact form, as in the URL. */
  b = a;
  b.vad_threshold = 0.7;
  ASSERT_STR(*aai::update_configuration_message(a, b),
             "{\"type\":\"UpdateConfiguration\",\"vad_threshold\":0.7}");
  g_object_unref(parser);
}
GST_END_TEST;

GST_START_TEST(test_update_several_fields)
{
  Settings a;
  a.vad_threshold = 0.4;
  a.min_turn_silence = 400;
  a.prompt = "same";
  Settings b = a;
  b.vad_threshold = 0.6;
  b.max_turn_silence = 1500;
  b.format_turns = true;
  JsonParser *parser = json_parser_new();
  JsonObject *o =
      parse_update(parser, aai::update_configuration_message(a, b), 3);
  fail_unless(json_object_get_double_member(o, "vad_threshold") == 0.6);
  fail_unless_equals_int(json_object_get_int_member(o, "max_turn_silence"),
                         1500);
  fail_unless(json_object_get_boolean_member(o, "format_turns"));
  /* Unchanged fields are not repeated. */
  fail_if(json_object_has_member(o, "min_turn_silence"));
  fail_if(json_object_has_member(o, "prompt"));
  g_object_unref(parser);
}
GST_END_TEST;

GST_START_TEST(test_update_nothing_changed)
{
  Settings a;
  a.vad_threshold = 0.4;
  a.keyterms_prompt = std::vector<std::string>{"x"};
  fail_if(aai::update_configuration_message(a, a).has_value());
  fail_if(
      aai::update_configuration_message(Settings(), Settings()).has_value());
}
GST_END_TEST;

GST_START_TEST(test_update_keyterms_cleared)
{
  Settings a;
  a.keyterms_prompt = std::vector<std::string>{"x", "y"};
  Settings b = a;
  b.keyterms_prompt.reset();
  JsonParser *parser = json_parser_new();
  JsonObject *o =
      parse_update(parser, aai::update_configuration_message(a, b), 1);
  JsonNode *kt = json_object_get_member(o, "keyterms_prompt");
  fail_unless(JSON_NODE_HOLDS_ARRAY(kt));
  fail_unless_equals_int(json_array_get_length(json_node_get_array(kt)), 0);
  /* An explicitly empty list clears it too. */
  b.keyterms_prompt = std::vector<std::string>();
  o = parse_update(parser, aai::update_configuration_message(a, b), 1);
  kt = json_object_get_member(o, "keyterms_prompt");
  fail_unless_equals_int(json_array_get_length(json_node_get_array(kt)), 0);
  g_object_unref(parser);
}
GST_END_TEST;

GST_START_TEST(test_update_unset_other_fields_left_out)
{
  Settings a;
  a.vad_threshold = 0.4;
  a.min_turn_silence = 100;
  a.prompt = "p";
  a.format_turns = true;
  /* Unsetting cannot be expressed on the wire: no message at all. */
  fail_if(aai::update_configuration_message(a, Settings()).has_value());
}
GST_END_TEST;

GST_START_TEST(test_update_immutable_only)
{
  Settings a;
  Settings b;
  b.sample_rate = 8000;
  b.speech_model = "u3-rt-pro";
  b.speaker_labels = true;
  b.extra_params = {{"mode", "x"}};
  b.chunk_duration_ms = 500;
  fail_if(aai::update_configuration_message(a, b).has_value());
}
GST_END_TEST;

#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic pop
#endif

/* ---- operator==, encoding helpers -------------------------------------- */

GST_START_TEST(test_settings_equality)
{
  Settings a;
  fail_unless(a == Settings());
  fail_if(a != Settings());

  void (*changes[])(Settings &) = {
      [](Settings &s) { s.sample_rate = 8000; },
      [](Settings &s) { s.encoding = Encoding::PcmMulaw; },
      [](Settings &s) { s.speech_model = "x"; },
      [](Settings &s) { s.format_turns = false; },
      [](Settings &s) { s.end_of_turn_confidence_threshold = 0.0; },
      [](Settings &s) { s.min_turn_silence = 0; },
      [](Settings &s) { s.max_turn_silence = 0; },
      [](Settings &s) { s.vad_threshold = 0.0; },
      [](Settings &s) { s.keyterms_prompt = std::vector<std::string>(); },
      [](Settings &s) { s.language_detection = false; },
      [](Settings &s) { s.inactivity_timeout = 5; },
      [](Settings &s) { s.speaker_labels = false; },
      [](Settings &s) { s.max_speakers = 1; },
      [](Settings &s) { s.prompt = ""; },
      [](Settings &s) { s.language = "en"; },
      [](Settings &s) { s.filter_profanity = false; },
      [](Settings &s) { s.webhook_url = ""; },
      [](Settings &s) { s.webhook_auth_header_name = ""; },
      [](Settings &s) { s.webhook_auth_header_value = ""; },
      [](Settings &s) {
        s.extra_params = {{"a", ""}};
      },
      [](Settings &s) { s.chunk_duration_ms = 100; },
  };
  for (size_t i = 0; i < G_N_ELEMENTS(changes); i++) {
    Settings b;
    changes[i](b);
    fail_if(a == b, "change %zu not seen by ==", i);
    fail_unless(a != b);
    Settings c = b;
    fail_unless(b == c);
  }
  /* Same keyterms in another order are a different list. */
  Settings k1, k2;
  k1.keyterms_prompt = std::vector<std::string>{"a", "b"};
  k2.keyterms_prompt = std::vector<std::string>{"b", "a"};
  fail_if(k1 == k2);
  /* A NaN threshold still equals itself (no phantom change). */
  Settings n1;
  n1.vad_threshold = std::nan("");
  Settings n2 = n1;
  fail_unless(n1 == n2);
}
GST_END_TEST;

GST_START_TEST(test_encoding_helpers)
{
  ASSERT_STR(aai::encoding_wire_name(Encoding::PcmS16le), "pcm_s16le");
  ASSERT_STR(aai::encoding_wire_name(Encoding::PcmMulaw), "pcm_mulaw");
  fail_unless_equals_int(aai::encoding_bytes_per_sample(Encoding::PcmS16le), 2);
  fail_unless_equals_int(aai::encoding_bytes_per_sample(Encoding::PcmMulaw), 1);
}
GST_END_TEST;

/* ---- language -> model (core/language.h) ----------------------------- */

GST_START_TEST(test_model_for_language)
{
  struct {
    const char *code, *model, *name;
  } ok[] = {
      {"", "universal-streaming-english", "English"},
      {"en", "universal-streaming-english", "English"},
      {"en-US", "universal-streaming-english", "English"},
      {"EN_gb", "universal-streaming-english", "English"},
      {"es-ES", "universal-streaming-multilingual", "Spanish"},
      {"es-419", "universal-streaming-multilingual", "Spanish"},
      {"fr", "universal-streaming-multilingual", "French"},
      {"de-CH", "universal-streaming-multilingual", "German"},
      {"it", "universal-streaming-multilingual", "Italian"},
      {"pt-BR", "universal-streaming-multilingual", "Portuguese"},
      {"multi", "universal-streaming-multilingual", "several languages"},
      {"ja-JP", "whisper-rt", "Japanese"},
      {"yue", "whisper-rt", "Cantonese"},
      {"nl", "whisper-rt", "Dutch"},
  };
  for (const auto &c : ok) {
    aai::ModelChoice m = aai::model_for_language(c.code);
    fail_unless_equals_string(m.model.c_str(), c.model);
    fail_unless_equals_string(m.language.c_str(), c.name);
    fail_unless(m.error.empty());
  }
  for (const char *bad : {"xx", "tlh", "english", "e", "123"}) {
    aai::ModelChoice m = aai::model_for_language(bad);
    fail_unless(m.model.empty(), "%s", bad);
    fail_unless(m.error.find(bad) != std::string::npos);
    fail_unless(m.error.find(" zh") != std::string::npos);
  }
}
GST_END_TEST;

static Suite *config_suite(void)
{
  Suite *s = suite_create("config");

  TCase *url = tcase_create("url");
  suite_add_tcase(s, url);
  tcase_add_test(url, test_url_defaults_only_required);
  tcase_add_test(url, test_url_speech_model);
  tcase_add_test(url, test_url_sample_rate);
  tcase_add_test(url, test_url_encoding);
  tcase_add_test(url, test_url_format_turns);
  tcase_add_test(url, test_url_end_of_turn_confidence_threshold);
  tcase_add_test(url, test_url_min_turn_silence);
  tcase_add_test(url, test_url_max_turn_silence);
  tcase_add_test(url, test_url_vad_threshold);
  tcase_add_test(url, test_url_keyterms_prompt);
  tcase_add_test(url, test_url_language_detection);
  tcase_add_test(url, test_url_inactivity_timeout);
  tcase_add_test(url, test_url_speaker_labels);
  tcase_add_test(url, test_url_max_speakers);
  tcase_add_test(url, test_url_prompt);
  tcase_add_test(url, test_url_language);
  tcase_add_test(url, test_url_filter_profanity);
  tcase_add_test(url, test_url_webhook_url);
  tcase_add_test(url, test_url_webhook_auth_header);
  tcase_add_test(url, test_url_extra_params);
  tcase_add_test(url, test_url_token);
  tcase_add_test(url, test_url_parameter_order);
  tcase_add_test(url, test_url_doubles_locale_independent);
  tcase_add_test(url, test_url_base_query_kept);
  tcase_add_test(url, test_url_base_parts_kept);
  tcase_add_test(url, test_url_invalid_base);
  tcase_add_test(url, test_redact_url);
  tcase_add_test(url, test_redact_url_malformed);

  TCase *val = tcase_create("validate");
  suite_add_tcase(s, val);
  tcase_add_test(val, test_validate_defaults_and_full);
  tcase_add_test(val, test_validate_sample_rate);
  tcase_add_test(val, test_validate_encoding);
  tcase_add_test(val, test_validate_chunk_duration);
  tcase_add_test(val, test_validate_end_of_turn_confidence_threshold);
  tcase_add_test(val, test_validate_vad_threshold);
  tcase_add_test(val, test_validate_min_turn_silence);
  tcase_add_test(val, test_validate_max_turn_silence);
  tcase_add_test(val, test_validate_min_not_above_max_silence);
  tcase_add_test(val, test_validate_inactivity_timeout);
  tcase_add_test(val, test_validate_max_speakers);
  tcase_add_test(val, test_validate_max_speakers_needs_speaker_labels);
  tcase_add_test(val, test_validate_keyterms_count);
  tcase_add_test(val, test_validate_keyterms_length);
  tcase_add_test(val, test_validate_keyterms_empty_term);
  tcase_add_test(val, test_validate_keyterms_utf8);
  tcase_add_test(val, test_validate_prompt_utf8);
  tcase_add_test(val, test_validate_language);
  tcase_add_test(val, test_validate_speech_model);
  tcase_add_test(val, test_validate_whisper_rt);
  tcase_add_test(val, test_validate_extra_params);
  tcase_add_test(val, test_validate_webhook);
  tcase_add_test(val, test_validate_webhook_header_pair);
  tcase_add_test(val, test_validate_several_problems);

  TCase *lang = tcase_create("language");
  suite_add_tcase(s, lang);
  tcase_add_test(lang, test_model_for_language);

  TCase *diff = tcase_create("diff");
  suite_add_tcase(s, diff);
  tcase_add_test(diff, test_immutable_changes);
  tcase_add_test(diff, test_applied_settings);
  tcase_add_test(diff, test_immutable_changes_ignores_mutable);
  tcase_add_test(diff, test_update_each_mutable_field);
  tcase_add_test(diff, test_update_tiny_doubles);
  tcase_add_test(diff, test_update_several_fields);
  tcase_add_test(diff, test_update_nothing_changed);
  tcase_add_test(diff, test_update_keyterms_cleared);
  tcase_add_test(diff, test_update_unset_other_fields_left_out);
  tcase_add_test(diff, test_update_immutable_only);
  tcase_add_test(diff, test_settings_equality);
  tcase_add_test(diff, test_encoding_helpers);

  return s;
}

GST_CHECK_MAIN(config);
