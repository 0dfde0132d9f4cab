/* gst-assemblyai
 * Copyright (C) 2026 gst-assemblyai contributors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
/* WebSocket close codes of the v3 service (docs/protocol.md, Close codes) and
 * what a client should do about each. */
#pragma once

#include <string>

namespace aai
{

enum class CloseClass {
  Normal,    /* 1000 after Termination: nothing to do */
  Auth,      /* credentials or account: fix them, never retry */
  ClientBug, /* the client sent something wrong: never retry as is */
  Retryable, /* transient server/network condition: a new session may work */
  RateLimit, /* too many sessions: retry after a backoff */
};

struct CloseInfo {
  int code = 0;
  CloseClass klass = CloseClass::Retryable;
  std::string meaning; /* what happened, e.g. "session expired" */
  std::string advice;  /* what the user should do */
};

/* Classifies a close code, using the reason text where one code has
 * several meanings (1008 "Too many concurrent sessions" is a rate limit;
 * 3007 "Audio Transmission Rate Exceeded" is a pacing problem). Unknown
 * codes are Retryable with a generic message. */
CloseInfo classify_close(int code, const std::string &reason);

/* "code 3008 (session expired: ...). <advice>" for error messages. */
std::string describe_close(int code, const std::string &reason);

const char *close_class_name(CloseClass k);

}  // namespace aai
