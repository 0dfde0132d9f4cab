/* gst-assemblyai
 * Copyright (C) 2026 gst-assemblyai contributors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
/* Close-code classification (close_codes.h) against the table of
 * docs/protocol.md, Close codes: the class decides whether the element
 * retries, and describe_close() is what the user reads in the error. */
#include <gst/check/gstcheck.h>

#include <string>

#include "close_codes.h"

using namespace aai;

struct CodeCase {
  int code;
  const char *reason; /* as the server sends it */
  CloseClass klass;
  const char *advice; /* actionable text describe_close() must contain */
};

static const CodeCase documented[] = {
    /* v3 */
    {1000, "", CloseClass::Normal, "Nothing to do"},
    {1008, "Unauthorized Connection: Missing Authorization header",
     CloseClass::Auth, "ASSEMBLYAI_API_KEY"},
    {1008, "Unauthorized Connection: Insufficient balance", CloseClass::Auth,
     "balance"},
    {3005, "Session Cancelled: An error occurred", CloseClass::Retryable,
     "Start a new session"},
    {3006, "Invalid Message Type: Foo", CloseClass::ClientBug,
     "do not retry unchanged"},
    {3006, "Invalid JSON: {", CloseClass::ClientBug, "do not retry unchanged"},
    {3006, "Invalid Message: []", CloseClass::ClientBug,
     "do not retry unchanged"},
    {3008, "Session Expired: Maximum session duration exceeded",
     CloseClass::Retryable, "fresh temporary token"},
    {3009, "Unauthorized Connection: Too many concurrent sessions",
     CloseClass::RateLimit, "back off"},
    {410, "Deprecated endpoint", CloseClass::ClientBug,
     "wss://streaming.assemblyai.com/v3/ws"},
    /* RFC 6455 codes the server or the transport produce */
    {1001, "", CloseClass::Retryable, "Start a new session"},
    {1002, "", CloseClass::ClientBug, "report it"},
    {1003, "", CloseClass::ClientBug, "report it"},
    {1006, "", CloseClass::Retryable, "Check the network connection"},
    {1007, "", CloseClass::ClientBug, "report it"},
    {1009, "", CloseClass::ClientBug, "50 to 1000 ms"},
    {1011, "Internal error", CloseClass::Retryable, "Start a new session"},
    {1012, "", CloseClass::Retryable, "Start a new session"},
    {1013, "Temporary server condition forced blocking client's request",
     CloseClass::Retryable, "Wait a few seconds"},
    /* legacy SDK codes */
    {4000, "Sample rate must be a positive integer", CloseClass::ClientBug,
     "sample rate"},
    {4001, "Not Authorized", CloseClass::Auth, "api-key"},
    {4002, "Insufficient Funds", CloseClass::Auth, "Add funds"},
    {4003, "This feature is paid-only", CloseClass::Auth, "Upgrade"},
    {4004, "Session not found", CloseClass::Retryable, "Start a new session"},
    {4008, "Session Expired", CloseClass::Retryable, "Start a new session"},
    {4010, "Session previously closed", CloseClass::Retryable,
     "Start a new session"},
    {4029, "Client sent audio too fast", CloseClass::RateLimit,
     "no faster than real time"},
    {4030, "Session is handled by another websocket", CloseClass::Retryable,
     "only one connection"},
    {4031, "Session idle for too long", CloseClass::Retryable,
     "inactivity-timeout"},
    {4032, "Audio duration is too short", CloseClass::ClientBug,
     "50 to 1000 ms"},
    {4033, "Audio duration is too long", CloseClass::ClientBug,
     "50 to 1000 ms"},
    {4034, "Audio too small to transcode", CloseClass::ClientBug,
     "50 to 1000 ms"},
    {4100, "Endpoint received invalid JSON", CloseClass::ClientBug,
     "report it"},
    {4101, "Endpoint received message with invalid schema",
     CloseClass::ClientBug, "report it"},
    {4102, "This account has exceeded the number of allowed streams",
     CloseClass::RateLimit, "back off"},
    {4103, "Session reconnected", CloseClass::Retryable, "Start a new session"},
};

/* One iteration per documented code: the class, and a description with
 * the code, the server's reason verbatim, the meaning and the advice. */
GST_START_TEST(test_documented_code)
{
  const CodeCase &c = documented[__i__];
  const CloseInfo ci = classify_close(c.code, c.reason);
  fail_unless_equals_int(ci.code, c.code);
  fail_unless(ci.klass == c.klass, "code %d classified %s, expected %s", c.code,
              close_class_name(ci.klass), close_class_name(c.klass));
  fail_if(ci.meaning.empty(), "code %d has no meaning", c.code);
  fail_if(ci.advice.empty(), "code %d has no advice", c.code);

  const std::string d = describe_close(c.code, c.reason);
  const std::string code_text = "code " + std::to_string(c.code);
  fail_unless(d.find(code_text) != std::string::npos, "%s", d.c_str());
  if (c.reason[0] != '\0')
    fail_unless(d.find(std::string("(") + c.reason + ")") != std::string::npos,
                "reason missing: %s", d.c_str());
  fail_unless(d.find(ci.meaning) != std::string::npos, "%s", d.c_str());
  fail_unless(d.find(ci.advice) != std::string::npos, "%s", d.c_str());
  fail_unless(d.find(c.advice) != std::string::npos,
              "code %d: \"%s\" lacks \"%s\"", c.code, d.c_str(), c.advice);
}
GST_END_TEST;

GST_START_TEST(test_describe_format)
{
  /* The exact shape users see in error messages. */
  const std::string d = describe_close(
      3008, "Session Expired: Maximum session duration exceeded");
  fail_unless_equals_string(
      d.c_str(),
      "closed with code 3008 (Session Expired: Maximum session duration "
      "exceeded): the session reached its maximum duration (3 hours, or the "
      "temporary token's limit). Start a new session (with a fresh temporary "
      "token if you use tokens).");
}
GST_END_TEST;

GST_START_TEST(test_describe_without_reason)
{
  /* No empty "()" when the server gave no reason. */
  const std::string d = describe_close(1006, "");
  fail_unless(d.rfind("closed with code 1006: ", 0) == 0, "%s", d.c_str());
  fail_unless(d.find("()") == std::string::npos, "%s", d.c_str());
}
GST_END_TEST;

GST_START_TEST(test_1008_too_many_sessions_is_rate_limit)
{
  /* DOC-CONC sends the rate limit as 1008; the case of the reason varies
   * between the docs, so the match ignores case. */
  const char *reasons[] = {
      "Unauthorized connection: Too many concurrent sessions",
      "Unauthorized Connection: Too Many Concurrent Sessions",
      "TOO MANY CONCURRENT SESSIONS",
  };
  for (const char *reason : reasons) {
    const CloseInfo ci = classify_close(1008, reason);
    fail_unless(ci.klass == CloseClass::RateLimit, "%s -> %s", reason,
                close_class_name(ci.klass));
    const std::string d = describe_close(1008, reason);
    fail_unless(d.find(reason) != std::string::npos, "%s", d.c_str());
    fail_unless(d.find("back off") != std::string::npos, "%s", d.c_str());
    fail_unless(d.find("api-key") == std::string::npos,
                "rate limit blamed on the key: %s", d.c_str());
  }
}
GST_END_TEST;

GST_START_TEST(test_1008_without_reason_is_auth)
{
  const CloseInfo ci = classify_close(1008, "");
  fail_unless(ci.klass == CloseClass::Auth);
  fail_unless(ci.advice.find("ASSEMBLYAI_API_KEY") != std::string::npos);
}
GST_END_TEST;

GST_START_TEST(test_3007_input_duration)
{
  const char *reason =
      "Input duration violation: 20 ms. Expected between 50 and 1000 ms";
  const CloseInfo ci = classify_close(3007, reason);
  fail_unless(ci.klass == CloseClass::ClientBug);
  const std::string d = describe_close(3007, reason);
  fail_unless(d.find(reason) != std::string::npos, "%s", d.c_str());
  fail_unless(d.find("chunks of 50 to 1000 ms") != std::string::npos, "%s",
              d.c_str());
  fail_unless(d.find("chunk-duration") != std::string::npos, "%s", d.c_str());
  fail_unless(d.find("real time") == std::string::npos,
              "pacing advice for a chunk-size problem: %s", d.c_str());
}
GST_END_TEST;

GST_START_TEST(test_3007_transmission_rate)
{
  const char *reasons[] = {
      "Audio Transmission Rate Exceeded: Received 20 sec. audio in 10 sec",
      "too much audio buffered",
  };
  for (const char *reason : reasons) {
    const CloseInfo ci = classify_close(3007, reason);
    fail_unless(ci.klass == CloseClass::ClientBug);
    const std::string d = describe_close(3007, reason);
    fail_unless(d.find(reason) != std::string::npos, "%s", d.c_str());
    fail_unless(d.find("no faster than real time") != std::string::npos, "%s",
                d.c_str());
    fail_unless(d.find("sync=true") != std::string::npos, "%s", d.c_str());
    fail_unless(d.find("chunk-duration") == std::string::npos,
                "chunk advice for a pacing problem: %s", d.c_str());
  }
}
GST_END_TEST;

GST_START_TEST(test_3007_unrecognised_reason)
{
  /* A reason we do not recognise gets both pieces of advice. */
  const std::string d = describe_close(3007, "");
  fail_unless(classify_close(3007, "").klass == CloseClass::ClientBug);
  fail_unless(d.find("50 to 1000 ms") != std::string::npos, "%s", d.c_str());
  fail_unless(d.find("no faster than real time") != std::string::npos, "%s",
              d.c_str());
}
GST_END_TEST;

GST_START_TEST(test_unknown_code)
{
  const int codes[] = {0, -1, 1005, 2999, 3999, 4999, 65535};
  for (int code : codes) {
    const CloseInfo ci = classify_close(code, "Something new");
    fail_unless(ci.klass == CloseClass::Retryable, "%d", code);
    fail_unless_equals_int(ci.code, code);
    const std::string d = describe_close(code, "Something new");
    fail_unless(d.find("code " + std::to_string(code)) != std::string::npos,
                "%s", d.c_str());
    fail_unless(d.find("(Something new)") != std::string::npos, "%s",
                d.c_str());
    fail_unless(d.find("undocumented code") != std::string::npos, "%s",
                d.c_str());
    fail_unless(d.find("Start a new session") != std::string::npos, "%s",
                d.c_str());
  }
}
GST_END_TEST;

GST_START_TEST(test_class_names)
{
  fail_unless_equals_string(close_class_name(CloseClass::Normal), "normal");
  fail_unless_equals_string(close_class_name(CloseClass::Auth), "auth");
  fail_unless_equals_string(close_class_name(CloseClass::ClientBug),
                            "client-bug");
  fail_unless_equals_string(close_class_name(CloseClass::Retryable),
                            "retryable");
  fail_unless_equals_string(close_class_name(CloseClass::RateLimit),
                            "rate-limit");
}
GST_END_TEST;

static Suite *close_codes_suite(void)
{
  Suite *s = suite_create("close_codes");
  TCase *tc = tcase_create("general");
  suite_add_tcase(s, tc);
  tcase_add_loop_test(tc, test_documented_code, 0, G_N_ELEMENTS(documented));
  tcase_add_test(tc, test_describe_format);
  tcase_add_test(tc, test_describe_without_reason);
  tcase_add_test(tc, test_1008_too_many_sessions_is_rate_limit);
  tcase_add_test(tc, test_1008_without_reason_is_auth);
  tcase_add_test(tc, test_3007_input_duration);
  tcase_add_test(tc, test_3007_transmission_rate);
  tcase_add_test(tc, test_3007_unrecognised_reason);
  tcase_add_test(tc, test_unknown_code);
  tcase_add_test(tc, test_class_names);
  return s;
}

GST_CHECK_MAIN(close_codes);
