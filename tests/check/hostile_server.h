/* gst-assemblyai
 * Copyright (C) 2026 gst-assemblyai contributors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
/* A small misbehaving server for the hostile suite (test_hostile.cpp): it
 * accepts the v3 upgrade on 127.0.0.1 and then does one thing wrong, on
 * purpose, where the emulator does everything right. It is not an
 * emulator: it ignores the query, transcribes nothing and answers every
 * session with the same fixed turns (kWords), so a test can tell what a
 * correct output is.
 *
 * Valid frames go through libsoup and json-glib; the frames that break the
 * WebSocket protocol (invalid UTF-8, a frame trickled out byte by byte)
 * are written raw onto the connection's stream, since a correct library
 * refuses to send them. */
#pragma once

#include <memory>
#include <string>
#include <vector>

namespace aai_test
{

enum class Misbehaviour {
  Honest,         /* Begin, the turns, Termination at Terminate */
  NoBegin,        /* accepts the upgrade, then never says anything */
  Stall,          /* Begin, then silence, even after Terminate */
  Trickle,        /* Begin, then a Turn frame one byte every 50 ms */
  Oversized,      /* Begin, then a 65 MiB text message */
  BigTurn,        /* Begin, then one Turn of ~10 MB (kBigTurn*) */
  Truncated,      /* a Turn cut in the middle, then the honest turns */
  InvalidUtf8,    /* a text frame that is not UTF-8 */
  BadTurnOrder,   /* turn_order -1 and 2^32, then the honest turns */
  OutOfOrder,     /* turns 1, 0, 1 again, repeated frames */
  BinaryFrame,    /* a binary frame among the turns */
  DoubleBegin,    /* Begin twice */
  ErrorNoClose,   /* an Error frame and then nothing: no close */
  DropAfterBegin, /* Begin, then the TCP connection is cut (every session) */
};

/* One word of the fixed turns: text and times in ms. */
struct FixedWord {
  const char *text;
  int start, end;
};
/* The BigTurn: kBigTurnWords words of kBigWordLength 'w's, ~10 MB of
 * JSON, well above libsoup's 4 MiB default limit. Long words rather than
 * 100,000 short ones keep the case to seconds under AddressSanitizer,
 * which unwinds the stack on every allocation. */
constexpr int kBigTurnWords = 8000;
constexpr size_t kBigWordLength = 600;
/* Turn 0 then turn 1: what an honest session says. */
extern const std::vector<std::vector<FixedWord>> kTurns;

class HostileServer
{
 public:
  explicit HostileServer(Misbehaviour m);
  ~HostileServer();
  HostileServer(const HostileServer &) = delete;
  HostileServer &operator=(const HostileServer &) = delete;

  std::string ws_url() const;
  /* Sessions accepted so far. */
  int sessions() const;

  struct Impl;

 private:
  std::unique_ptr<Impl> impl_;
};

}  // namespace aai_test
