/* gst-assemblyai
 * Copyright (C) 2026 gst-assemblyai contributors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
/* Shared fixtures for the emulator suites: a started emulator and URLs.
 * The protocol suites (auth, session, turns, faults) run the emulator in
 * instant mode: they check rules at exact points of the audio, which the
 * realistic mode's reply delays and extra messages would blur; the
 * emulator-realism suite checks those.
 * with query parameters built through GLib (no hand-written encoding). */
#pragma once

#include "emulator.h"
#include "test_client.h"

#include <gst/check/gstcheck.h>

namespace aai_test
{

/* ws_url + "?" + encoded params; values are escaped by g_uri_escape_string. */
inline std::string with_query(const std::string &base, const Headers &params)
{
  std::string url = base;
  char sep = '?';
  for (auto &p : params) {
    gchar *k = g_uri_escape_string(p.first.c_str(), nullptr, FALSE);
    gchar *v = g_uri_escape_string(p.second.c_str(), nullptr, FALSE);
    url += sep;
    url += k;
    url += "=";
    url += v;
    sep = '&';
    g_free(k);
    g_free(v);
  }
  return url;
}

inline Headers us_params(const Headers &extra = {})
{
  Headers p{{"speech_model", "universal-streaming-english"},
            {"sample_rate", "16000"}};
  p.insert(p.end(), extra.begin(), extra.end());
  return p;
}

inline Headers key_header(const std::string &key = "test-key")
{
  return {{"Authorization", key}};
}

struct Started {
  aai_emu::Emulator emu;
  explicit Started(const aai_emu::Config &cfg = aai_emu::Config::instant())
  {
    std::string err;
    fail_unless(emu.start(cfg, &err), "emulator start: %s", err.c_str());
  }
};

}  // namespace aai_test

/* String equality that keeps temporaries alive (jstr() returns by value). */
#define check_str(a, b)                                                 \
  do {                                                                  \
    std::string check_a_ = (a), check_b_ = (b);                         \
    fail_unless(check_a_ == check_b_, "'%s' != '%s'", check_a_.c_str(), \
                check_b_.c_str());                                      \
  } while (0)

/* The session's last message is Error{code, reason} and the connection
 * then closed with the same code and reason. */
inline void check_error_close(const aai_test::WsClient &c,
                              int code,
                              const std::string &reason)
{
  fail_unless_equals_int(c.close_code, code);
  check_str(c.close_reason, reason);
  fail_unless(!c.messages.empty(), "no message before the close");
  check_str(aai_test::jstr(c.messages.back(), "type"), "Error");
  fail_unless_equals_int(aai_test::jint(c.messages.back(), "error_code"), code);
  check_str(aai_test::jstr(c.messages.back(), "error"), reason);
}
