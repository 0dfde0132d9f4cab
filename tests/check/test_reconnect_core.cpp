/* gst-assemblyai
 * Copyright (C) 2026 gst-assemblyai contributors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
/* The pure parts of reconnection: the replay buffer (core/replay_buffer.h),
 * which decides what audio a new session hears again and where on the
 * stream's sample axis it starts, and the reconnect policy
 * (core/reconnect_policy.h), which decides whether an ended session is
 * retried (docs/protocol.md, Close codes) and how long to wait first.
 *
 * A session must start on a "whole millisecond" sample so that the
 * service's millisecond word times map back to stream samples exactly; a
 * replay that starts anywhere else shifts every word of the new session. */
#include <gst/check/gstcheck.h>

#include <cinttypes>
#include <initializer_list>
#include <set>
#include <string>
#include <vector>

#include "reconnect_policy.h"
#include "replay_buffer.h"

using namespace aai;

/* ---- helpers ----------------------------------------------------------- */

/* fail_unless() records a mark point on every call (a write to check's
 * log); loops of thousands of checks fail only when one does. */
#define CHECK_QUIET(cond, ...)   \
  do {                           \
    if (!(cond))                 \
      ck_abort_msg(__VA_ARGS__); \
  } while (0)

/* The definition, independent of the code under test: the sample's time
 * is an integer number of milliseconds. */
static bool is_whole_ms(int rate, uint64_t sample)
{
  return sample * 1000 % static_cast<uint64_t>(rate) == 0;
}

/* Byte @k of stream sample @sample: not periodic in 256, so a copy that
 * is off by any number of samples shows. */
static uint8_t byte_of(uint64_t sample, size_t k, int bps)
{
  const uint64_t v = sample * static_cast<uint64_t>(bps) + k;
  return static_cast<uint8_t>((v ^ (v >> 8) ^ (v >> 16)) * 37);
}

static std::vector<uint8_t> stream_bytes(uint64_t from, uint64_t to, int bps)
{
  std::vector<uint8_t> out;
  for (uint64_t s = from; s < to; s++)
    for (size_t k = 0; k < static_cast<size_t>(bps); k++)
      out.push_back(byte_of(s, k, bps));
  return out;
}

/* Appends the stream's samples [rb.end(), rb.end() + n). */
static void append_samples(ReplayBuffer *rb, uint64_t n, int bps)
{
  const std::vector<uint8_t> b = stream_bytes(rb->end(), rb->end() + n, bps);
  rb->append(b.data(), b.size());
}

/* The buffer holds exactly the stream's samples [start(), end()). */
static void assert_holds_stream(const ReplayBuffer &rb, int bps)
{
  const std::vector<uint8_t> got = rb.copy_from(rb.start());
  const std::vector<uint8_t> want = stream_bytes(rb.start(), rb.end(), bps);
  fail_unless(got == want,
              "buffer [%" PRIu64 ", %" PRIu64 ") does not hold those samples",
              rb.start(), rb.end());
}

struct RateCase {
  int rate;
  uint64_t step;   /* samples between whole-millisecond samples */
  int64_t step_ms; /* ms between them */
};

static const RateCase rates[] = {
    {8000, 8, 1},   {16000, 16, 1},   {44100, 441, 10},
    {48000, 48, 1}, {11025, 441, 40}, {22050, 441, 20},
};

/* ---- the whole-millisecond axis ---------------------------------------- */

/* One iteration per sample rate. */
GST_START_TEST(test_whole_ms_axis)
{
  const RateCase &c = rates[__i__];
  const ReplayBuffer rb(c.rate, 2, 1000);

  /* align_down/align_up against the definition, sample by sample. */
  const uint64_t span = 3 * c.step + 5;
  for (uint64_t s = 0; s <= span; s++) {
    uint64_t down = s;
    while (!is_whole_ms(c.rate, down))
      down--;
    uint64_t up = s;
    while (!is_whole_ms(c.rate, up))
      up++;
    CHECK_QUIET(rb.align_down(s) == down,
                "%d Hz: align_down(%" PRIu64 ") = %" PRIu64 ", want %" PRIu64,
                c.rate, s, rb.align_down(s), down);
    CHECK_QUIET(rb.align_up(s) == up,
                "%d Hz: align_up(%" PRIu64 ") = %" PRIu64 ", want %" PRIu64,
                c.rate, s, rb.align_up(s), up);
    if (is_whole_ms(c.rate, s)) {
      /* Exact both ways: no rounding anywhere. */
      const int64_t ms = rb.ms_of(s);
      CHECK_QUIET(
          static_cast<uint64_t>(ms) * static_cast<uint64_t>(c.rate) == s * 1000,
          "%d Hz: ms_of(%" PRIu64 ") = %" PRId64 " is not exact", c.rate, s,
          ms);
      CHECK_QUIET(rb.samples_of_ms(ms) == s,
                  "%d Hz: samples_of_ms(%" PRId64 ") = %" PRIu64
                  ", want %" PRIu64,
                  c.rate, ms, rb.samples_of_ms(ms), s);
    }
  }

  /* The spacing the header promises. */
  fail_unless_equals_uint64(rb.align_up(1), c.step);
  fail_unless_equals_uint64(rb.align_down(c.step - 1), 0);
  fail_unless_equals_int64(rb.ms_of(c.step), c.step_ms);
  fail_unless_equals_uint64(rb.samples_of_ms(c.step_ms), c.step);

  /* Still exact deep into a long stream (3 h and 24 h). */
  for (int64_t ms : {INT64_C(10800000), INT64_C(86400000)}) {
    const uint64_t s =
        static_cast<uint64_t>(ms / c.step_ms) * c.step; /* ms is a multiple */
    fail_unless_equals_uint64(rb.samples_of_ms(ms), s);
    fail_unless_equals_int64(rb.ms_of(s), ms);
    fail_unless_equals_uint64(rb.align_down(s + c.step - 1), s);
    fail_unless_equals_uint64(rb.align_up(s + 1), s + c.step);
  }

  /* Any service time: a session started at align_down(samples_of_ms(ms))
   * starts at or before that time, never after it. */
  for (int64_t ms = 0; ms <= 3 * c.step_ms + 3; ms++) {
    const uint64_t s = rb.samples_of_ms(ms);
    fail_unless(
        s * 1000 <= static_cast<uint64_t>(ms) * static_cast<uint64_t>(c.rate),
        "%d Hz: samples_of_ms(%" PRId64 ") = %" PRIu64 " is after it", c.rate,
        ms, s);
    fail_unless(rb.ms_of(rb.align_down(s)) <= ms);
  }
  fail_unless_equals_uint64(rb.samples_of_ms(0), 0);
  fail_unless_equals_uint64(rb.samples_of_ms(-40), 0);
}
GST_END_TEST;

/* ---- append and copy_from ---------------------------------------------- */

GST_START_TEST(test_append_copy_from)
{
  for (int bps = 1; bps <= 2; bps++) {
    ReplayBuffer rb(16000, bps, 16000);
    fail_unless_equals_uint64(rb.start(), 0);
    fail_unless_equals_uint64(rb.end(), 0);
    fail_unless(rb.copy_from(0).empty());
    fail_unless_equals_uint64(rb.max_samples(), 16000);

    /* Appends of any size continue the stream's sample axis. */
    append_samples(&rb, 100, bps);
    append_samples(&rb, 1, bps);
    append_samples(&rb, 0, bps);
    append_samples(&rb, 899, bps);
    fail_unless_equals_uint64(rb.start(), 0);
    fail_unless_equals_uint64(rb.end(), 1000);
    assert_holds_stream(rb, bps);

    /* copy_from(sample) is that sample to the end, at any sample. */
    for (uint64_t from : {0, 1, 15, 16, 17, 500, 999, 1000}) {
      const std::vector<uint8_t> got = rb.copy_from(from);
      fail_unless(got == stream_bytes(from, 1000, bps),
                  "bps %d: copy_from(%" PRIu64 ") has %zu bytes", bps, from,
                  got.size());
    }
    /* Past the end: nothing; the buffer is not changed by copying. */
    fail_unless(rb.copy_from(1001).empty());
    fail_unless(rb.copy_from(UINT64_MAX).empty());
    fail_unless_equals_uint64(rb.end(), 1000);
  }
}
GST_END_TEST;

GST_START_TEST(test_append_partial_sample_ignored)
{
  /* 16-bit audio: a stray odd byte is not a sample, and must not shift the
   * samples that follow. */
  ReplayBuffer rb(16000, 2, 16000);
  std::vector<uint8_t> b = stream_bytes(0, 10, 2);
  b.push_back(0xAB);
  rb.append(b.data(), b.size());
  fail_unless_equals_uint64(rb.end(), 10);
  append_samples(&rb, 10, 2);
  fail_unless_equals_uint64(rb.end(), 20);
  assert_holds_stream(rb, 2);
}
GST_END_TEST;

/* ---- the bound ---------------------------------------------------------- */

GST_START_TEST(test_bound_drops_whole_ms_from_front)
{
  /* 16 kHz, 100 samples (6.25 ms): 150 samples in leaves the last whole
   * milliseconds that fit, from sample 64 (4 ms). */
  ReplayBuffer rb(16000, 2, 100);
  append_samples(&rb, 150, 2);
  fail_unless_equals_uint64(rb.start(), 64);
  fail_unless_equals_uint64(rb.end(), 150);
  assert_holds_stream(rb, 2);
  /* Dropping stops as soon as the rest fits. */
  append_samples(&rb, 14, 2);
  fail_unless_equals_uint64(rb.start(), 64);
  append_samples(&rb, 1, 2);
  fail_unless_equals_uint64(rb.start(), 80);
  assert_holds_stream(rb, 2);

  /* 11025 Hz: whole milliseconds are 441 samples (40 ms) apart, so the
   * buffer keeps up to a bound of 1000 and drops 441 at a time. */
  ReplayBuffer ms40(11025, 1, 1000);
  append_samples(&ms40, 1000, 1);
  fail_unless_equals_uint64(ms40.start(), 0);
  append_samples(&ms40, 1, 1);
  fail_unless_equals_uint64(ms40.start(), 441);
  fail_unless_equals_uint64(ms40.end(), 1001);
  fail_unless_equals_int64(ms40.ms_of(ms40.start()), 40);
  assert_holds_stream(ms40, 1);
}
GST_END_TEST;

GST_START_TEST(test_bound_keeps_trailing_partial_ms)
{
  /* A bound of 0 keeps nothing but the samples after the last whole
   * millisecond: a new session must start on one. */
  ReplayBuffer rb(11025, 1, 0);
  append_samples(&rb, 500, 1);
  fail_unless_equals_uint64(rb.start(), 441);
  fail_unless_equals_uint64(rb.end(), 500);
  assert_holds_stream(rb, 1);
  append_samples(&rb, 382, 1); /* to 882, a whole millisecond */
  fail_unless_equals_uint64(rb.start(), 882);
  fail_unless_equals_uint64(rb.end(), 882);
  fail_unless(rb.copy_from(rb.start()).empty());
  append_samples(&rb, 1, 1);
  fail_unless_equals_uint64(rb.start(), 882);
  assert_holds_stream(rb, 1);

  ReplayBuffer rb16(16000, 2, 0);
  append_samples(&rb16, 40, 2);
  fail_unless_equals_uint64(rb16.start(), 32);
  fail_unless_equals_uint64(rb16.end(), 40);
  assert_holds_stream(rb16, 2);

  /* A bound shorter than one whole millisecond step keeps the partial
   * millisecond too, even though it is longer than the bound. */
  ReplayBuffer small(44100, 2, 100);
  append_samples(&small, 300, 2);
  fail_unless_equals_uint64(small.start(), 0);
  fail_unless_equals_uint64(small.end(), 300);
  append_samples(&small, 300, 2);
  fail_unless_equals_uint64(small.start(), 441);
  fail_unless_equals_uint64(small.end(), 600);
  assert_holds_stream(small, 2);
}
GST_END_TEST;

struct BoundCase {
  int rate;
  int bps;
  uint64_t max;
};

static const BoundCase bounds[] = {
    {16000, 2, 100},  {16000, 2, 0},    {16000, 1, 16},  {8000, 1, 0},
    {8000, 1, 37},    {11025, 1, 1000}, {11025, 1, 300}, {11025, 2, 0},
    {44100, 2, 2000}, {48000, 2, 480},  {22050, 2, 50},  {22050, 2, 883},
};

/* One iteration per bound: many appends of assorted sizes. After each,
 * the buffer starts on a whole millisecond, holds the stream's samples up
 * to the end, keeps as much as the bound allows (dropping only whole
 * milliseconds, never the trailing partial one), and would_drop() told the
 * truth about that append beforehand for every sample asked about. */
GST_START_TEST(test_bound_and_would_drop)
{
  const BoundCase &c = bounds[__i__];
  const uint64_t sizes[] = {1, 7, 16, 100, 441, 0, 3, 500, 48, 882, 2, 1000, 5};
  ReplayBuffer rb(c.rate, c.bps, c.max);
  for (int round = 0; round < 4; round++) {
    for (uint64_t n : sizes) {
      const uint64_t old_start = rb.start();
      const uint64_t new_end = rb.end() + n;

      /* What the append will do, by the definition. */
      ReplayBuffer after = rb;
      append_samples(&after, n, c.bps);
      uint64_t expect = old_start;
      if (new_end - old_start > c.max) {
        for (uint64_t s = old_start; s <= new_end; s++) {
          if (!is_whole_ms(c.rate, s))
            continue;
          expect = s;
          if (new_end - s <= c.max)
            break;
        }
      }
      fail_unless(after.start() == expect,
                  "%d Hz bound %" PRIu64 ": append %" PRIu64 " to [%" PRIu64
                  ", %" PRIu64 ") starts at %" PRIu64 ", want %" PRIu64,
                  c.rate, c.max, n, old_start, rb.end(), after.start(), expect);
      fail_unless_equals_uint64(after.end(), new_end);

      /* would_drop(n, sample): true iff that append drops a sample at or
       * after @sample (the dropped samples are [old_start, start)). */
      const uint64_t lo = old_start > 2 * 441 ? old_start - 2 * 441 : 0;
      for (uint64_t sample = lo; sample <= new_end + 441; sample++) {
        const bool drops = after.start() > old_start && after.start() > sample;
        CHECK_QUIET(rb.would_drop(n, sample) == drops,
                    "%d Hz bound %" PRIu64 ", [%" PRIu64 ", %" PRIu64
                    "): would_drop(%" PRIu64 ", %" PRIu64
                    ") = %d but the append drops [%" PRIu64 ", %" PRIu64 ")",
                    c.rate, c.max, old_start, rb.end(), n, sample,
                    rb.would_drop(n, sample), old_start, after.start());
      }

      rb = after;
      fail_unless(is_whole_ms(c.rate, rb.start()));
      assert_holds_stream(rb, c.bps);
    }
  }
  /* It did drop (every configuration sees more than its bound). */
  fail_unless(rb.start() > 0);
}
GST_END_TEST;

/* ---- memory follows the audio held ------------------------------------ */

/* The replay buffer allocates for what it holds, not for its bound: a
 * live stream with a 60 s bound whose turns end every few seconds holds a
 * few seconds. */
GST_START_TEST(test_memory_follows_audio)
{
  const size_t chunk = ReplayBuffer::kChunkBytes;
  for (int bps = 1; bps <= 2; bps++) {
    ReplayBuffer rb(16000, bps, 60 * 16000);
    fail_unless_equals_uint64(rb.allocated_bytes(), 0);
    const uint64_t second = 16000;
    for (int turn = 0; turn < 20; turn++) {
      /* 3 s of audio, then the turn ends 1 s before its end. */
      append_samples(&rb, 3 * second, bps);
      size_t held = (rb.end() - rb.start()) * bps;
      fail_unless(rb.allocated_bytes() <= held + 2 * chunk,
                  "bps %d: %zu bytes allocated for %zu held", bps,
                  rb.allocated_bytes(), held);
      rb.trim_before(rb.end() - second);
      held = (rb.end() - rb.start()) * bps;
      fail_unless(rb.allocated_bytes() <= held + 2 * chunk,
                  "bps %d after the trim: %zu bytes allocated for %zu held",
                  bps, rb.allocated_bytes(), held);
      assert_holds_stream(rb, bps);
    }
    /* Nothing held: at most the one chunk kept for what comes next. */
    rb.trim_before(rb.end());
    fail_unless_equals_uint64(rb.end(), rb.start());
    fail_unless(rb.allocated_bytes() <= chunk);
    append_samples(&rb, 100, bps);
    assert_holds_stream(rb, bps);
    /* The bound still holds over many chunks. */
    ReplayBuffer small(16000, bps, 16000);
    for (int i = 0; i < 50; i++)
      append_samples(&small, 1234, bps);
    fail_unless(small.end() - small.start() <= 16000);
    fail_unless(small.allocated_bytes() <= 16000 * bps + 2 * chunk);
    assert_holds_stream(small, bps);
  }
}
GST_END_TEST;

/* read_from() hands over the same bytes as copy_from(), in order, in
 * pieces no larger than a chunk, from any sample and across chunk ends. */
GST_START_TEST(test_read_from_pieces)
{
  const size_t chunk = ReplayBuffer::kChunkBytes;
  ReplayBuffer rb(16000, 2, 16000);
  append_samples(&rb, 10000, 2);
  rb.trim_before(3000);
  append_samples(&rb, 777, 2);
  for (uint64_t from :
       {(uint64_t)0, rb.start(), rb.start() + 1, (uint64_t)chunk / 2,
        (uint64_t)chunk / 2 + 1, rb.end() - 1, rb.end(), rb.end() + 5}) {
    std::vector<uint8_t> got;
    size_t pieces = 0;
    rb.read_from(from, [&](const uint8_t *d, size_t n) {
      fail_unless(n > 0 && n <= chunk);
      got.insert(got.end(), d, d + n);
      pieces++;
    });
    fail_unless(got == rb.copy_from(from), "from %" PRIu64, from);
    fail_unless(pieces <= got.size() / chunk + 2);
  }
}
GST_END_TEST;

/* ---- trim_before -------------------------------------------------------- */

GST_START_TEST(test_trim_before)
{
  ReplayBuffer rb(16000, 2, 16000);
  append_samples(&rb, 1000, 2);

  /* Aligns down: the next session starts at or before the sample. */
  rb.trim_before(100);
  fail_unless_equals_uint64(rb.start(), 96);
  fail_unless_equals_uint64(rb.end(), 1000);
  assert_holds_stream(rb, 2);

  /* Never moves back. */
  rb.trim_before(50);
  fail_unless_equals_uint64(rb.start(), 96);
  rb.trim_before(96);
  fail_unless_equals_uint64(rb.start(), 96);

  /* Never past the end: a turn that ends beyond the audio held (the
   * service's times run a little ahead) keeps the partial millisecond. */
  rb.trim_before(5000);
  fail_unless_equals_uint64(rb.start(), 992);
  fail_unless_equals_uint64(rb.end(), 1000);
  assert_holds_stream(rb, 2);

  /* Appending continues after a trim. */
  append_samples(&rb, 8, 2);
  rb.trim_before(UINT64_MAX - 100);
  fail_unless_equals_uint64(rb.start(), 1008);
  fail_unless_equals_uint64(rb.end(), 1008);
  fail_unless(rb.copy_from(0).empty());
  append_samples(&rb, 20, 2);
  assert_holds_stream(rb, 2);

  /* 11025 Hz, mu-law: to the 40 ms grid. */
  ReplayBuffer ml(11025, 1, 11025);
  append_samples(&ml, 2000, 1);
  ml.trim_before(ml.samples_of_ms(100)); /* 1102.5 samples */
  fail_unless_equals_uint64(ml.start(), 882);
  fail_unless_equals_int64(ml.ms_of(ml.start()), 80);
  assert_holds_stream(ml, 1);
  ml.trim_before(1763);
  fail_unless_equals_uint64(ml.start(), 1323);
  ml.trim_before(1764);
  fail_unless_equals_uint64(ml.start(), 1764);
  assert_holds_stream(ml, 1);
}
GST_END_TEST;

GST_START_TEST(test_copy_from_before_start)
{
  /* The audio before start() is gone: a replay asked for from there gets
   * what is held, from start(). */
  ReplayBuffer rb(48000, 2, 480);
  append_samples(&rb, 1000, 2);
  fail_unless_equals_uint64(rb.start(), 528);
  fail_unless(rb.copy_from(0) == stream_bytes(528, 1000, 2));
  fail_unless(rb.copy_from(527) == stream_bytes(528, 1000, 2));
}
GST_END_TEST;

/* ---- retry_for ---------------------------------------------------------- */

struct EndCase {
  const char *what;
  EndReport::Kind kind;
  int close_code;
  const char *close_reason;
  int http_status;
  bool tls_error;
  Retry retry;
  const char *reason_name;
};

using K = EndReport::Kind;

static const EndCase ends[] = {
    /* Ended by us: never retried. */
    {"cancelled", K::Cancelled, 0, "", 0, false, Retry::Never, "cancelled"},
    /* No Begin in time; no connection at all. */
    {"timeout", K::Timeout, 0, "", 0, false, Retry::Backoff, "timeout"},
    {"refused / DNS", K::ConnectFailed, 0, "", 0, false, Retry::Backoff,
     "connect-failed"},
    {"TLS error", K::ConnectFailed, 0, "", 0, true, Retry::Never,
     "connect-failed"},
    /* The upgrade answered with an HTTP error. */
    {"HTTP 400", K::UpgradeRefused, 0, "", 400, false, Retry::Never,
     "upgrade-refused"},
    {"HTTP 401", K::UpgradeRefused, 0, "", 401, false, Retry::Never,
     "upgrade-refused"},
    {"HTTP 403", K::UpgradeRefused, 0, "", 403, false, Retry::Never,
     "upgrade-refused"},
    {"HTTP 404", K::UpgradeRefused, 0, "", 404, false, Retry::Never,
     "upgrade-refused"},
    {"HTTP 408", K::UpgradeRefused, 0, "", 408, false, Retry::Backoff,
     "upgrade-refused"},
    {"HTTP 410", K::UpgradeRefused, 0, "", 410, false, Retry::Never,
     "upgrade-refused"},
    {"HTTP 429", K::UpgradeRefused, 0, "", 429, false, Retry::RateLimit,
     "upgrade-refused"},
    {"HTTP 500", K::UpgradeRefused, 0, "", 500, false, Retry::Backoff,
     "upgrade-refused"},
    {"HTTP 502", K::UpgradeRefused, 0, "", 502, false, Retry::Backoff,
     "upgrade-refused"},
    {"HTTP 503", K::UpgradeRefused, 0, "", 503, false, Retry::Backoff,
     "upgrade-refused"},
    /* 1000 without our Terminate: the service ended early; go on. */
    {"1000 unasked", K::Normal, 1000, "", 0, false, Retry::Backoff, "closed"},
    /* v3 codes */
    {"1006", K::Closed, 1006, "", 0, false, Retry::Backoff, "connection-lost"},
    {"1008 auth", K::Closed, 1008,
     "Unauthorized Connection: Missing Authorization header", 0, false,
     Retry::Never, "closed"},
    {"1008 balance", K::Closed, 1008,
     "Unauthorized Connection: Insufficient balance", 0, false, Retry::Never,
     "closed"},
    {"1008 too many", K::Closed, 1008,
     "Unauthorized connection: Too many concurrent sessions", 0, false,
     Retry::RateLimit, "closed"},
    {"3005", K::Closed, 3005, "Session Cancelled: An error occurred", 0, false,
     Retry::Backoff, "closed"},
    {"3006", K::Closed, 3006, "Invalid Message Type: Foo", 0, false,
     Retry::Never, "closed"},
    {"3007 duration", K::Closed, 3007,
     "Input duration violation: 20 ms. Expected between 50 and 1000 ms", 0,
     false, Retry::Never, "closed"},
    {"3007 rate", K::Closed, 3007,
     "Audio Transmission Rate Exceeded: Received 20 sec. audio in 10 sec", 0,
     false, Retry::Never, "closed"},
    {"3007 buffered", K::Closed, 3007, "too much audio buffered", 0, false,
     Retry::Never, "closed"},
    {"3008", K::Closed, 3008,
     "Session Expired: Maximum session duration exceeded", 0, false,
     Retry::Backoff, "closed"},
    {"3009", K::Closed, 3009,
     "Unauthorized Connection: Too many concurrent sessions", 0, false,
     Retry::RateLimit, "closed"},
    {"410 close", K::Closed, 410, "Deprecated endpoint", 0, false, Retry::Never,
     "closed"},
    /* RFC 6455 */
    {"1001", K::Closed, 1001, "", 0, false, Retry::Backoff, "closed"},
    {"1002", K::Closed, 1002, "", 0, false, Retry::Never, "closed"},
    {"1011", K::Closed, 1011, "Internal error", 0, false, Retry::Backoff,
     "closed"},
    {"1012", K::Closed, 1012, "", 0, false, Retry::Backoff, "closed"},
    {"1013", K::Closed, 1013, "", 0, false, Retry::Backoff, "closed"},
    /* legacy SDK codes */
    {"4000", K::Closed, 4000, "", 0, false, Retry::Never, "closed"},
    {"4001", K::Closed, 4001, "Not Authorized", 0, false, Retry::Never,
     "closed"},
    {"4002", K::Closed, 4002, "", 0, false, Retry::Never, "closed"},
    {"4003", K::Closed, 4003, "", 0, false, Retry::Never, "closed"},
    {"4004", K::Closed, 4004, "", 0, false, Retry::Backoff, "closed"},
    {"4008", K::Closed, 4008, "", 0, false, Retry::Backoff, "closed"},
    {"4010", K::Closed, 4010, "", 0, false, Retry::Backoff, "closed"},
    {"4029", K::Closed, 4029, "", 0, false, Retry::RateLimit, "closed"},
    {"4030", K::Closed, 4030, "", 0, false, Retry::Backoff, "closed"},
    {"4031", K::Closed, 4031, "", 0, false, Retry::Backoff, "closed"},
    {"4032", K::Closed, 4032, "", 0, false, Retry::Never, "closed"},
    {"4033", K::Closed, 4033, "", 0, false, Retry::Never, "closed"},
    {"4034", K::Closed, 4034, "", 0, false, Retry::Never, "closed"},
    {"4100", K::Closed, 4100, "", 0, false, Retry::Never, "closed"},
    {"4101", K::Closed, 4101, "", 0, false, Retry::Never, "closed"},
    {"4102", K::Closed, 4102, "", 0, false, Retry::RateLimit, "closed"},
    {"4103", K::Closed, 4103, "", 0, false, Retry::Backoff, "closed"},
    /* Undocumented: a new session may work. */
    {"3999", K::Closed, 3999, "Something new", 0, false, Retry::Backoff,
     "closed"},
};

static const char *retry_name(Retry r)
{
  switch (r) {
    case Retry::Never:
      return "never";
    case Retry::Backoff:
      return "backoff";
    case Retry::RateLimit:
      return "rate-limit";
  }
  return "?";
}

/* One iteration per way a session can end. */
GST_START_TEST(test_retry_for)
{
  const EndCase &c = ends[__i__];
  EndReport r;
  r.kind = c.kind;
  r.close_code = c.close_code;
  r.close_reason = c.close_reason;
  r.http_status = c.http_status;
  r.tls_error = c.tls_error;
  r.began = c.kind == K::Closed || c.kind == K::Normal;
  const Retry got = retry_for(r);
  fail_unless(got == c.retry, "%s: %s, expected %s", c.what, retry_name(got),
              retry_name(c.retry));
  fail_unless_equals_string(end_reason_name(r), c.reason_name);
}
GST_END_TEST;

GST_START_TEST(test_retry_ignores_reason_case_for_1008)
{
  /* The docs disagree on the case of the rate-limit reason. */
  EndReport r;
  r.kind = K::Closed;
  r.close_code = 1008;
  r.close_reason = "UNAUTHORIZED CONNECTION: TOO MANY CONCURRENT SESSIONS";
  fail_unless(retry_for(r) == Retry::RateLimit);
  r.close_reason = "";
  fail_unless(retry_for(r) == Retry::Never);
}
GST_END_TEST;

/* ---- backoff_ms --------------------------------------------------------- */

/* The delay with the most and the least jitter for a step. */
static unsigned top(unsigned attempt, unsigned max, Retry kind, unsigned step)
{
  return backoff_ms(attempt, max, kind, step / 2);
}

static unsigned bottom(unsigned attempt, unsigned max, Retry kind)
{
  return backoff_ms(attempt, max, kind, 0);
}

GST_START_TEST(test_backoff_doubles_to_cap)
{
  const unsigned steps[] = {500, 1000, 2000, 4000, 8000, 16000, 30000, 30000};
  for (unsigned a = 1; a <= G_N_ELEMENTS(steps); a++) {
    const unsigned step = steps[a - 1];
    fail_unless_equals_int(top(a, 30000, Retry::Backoff, step), step);
    fail_unless_equals_int(bottom(a, 30000, Retry::Backoff), step - step / 2);
  }
  fail_unless_equals_int(top(100, 30000, Retry::Backoff, 30000), 30000);

  /* Rate limits start at 5 s. */
  const unsigned rl[] = {5000, 10000, 20000, 40000, 60000, 60000};
  for (unsigned a = 1; a <= G_N_ELEMENTS(rl); a++) {
    fail_unless_equals_int(top(a, 60000, Retry::RateLimit, rl[a - 1]),
                           rl[a - 1]);
    fail_unless_equals_int(bottom(a, 60000, Retry::RateLimit), rl[a - 1] / 2);
  }

  /* A cap below the first step is the step; a cap of 0 means no wait. */
  fail_unless_equals_int(top(1, 300, Retry::Backoff, 300), 300);
  fail_unless_equals_int(top(1, 3000, Retry::RateLimit, 3000), 3000);
  fail_unless_equals_int(backoff_ms(1, 0, Retry::Backoff, 12345), 0);
  fail_unless_equals_int(backoff_ms(7, 0, Retry::RateLimit, 12345), 0);
}
GST_END_TEST;

GST_START_TEST(test_backoff_jitter)
{
  /* Every random value lands in [step/2, step]; the same value gives the
   * same delay; and the values spread over the whole range, so streams
   * dropped together do not reconnect in lockstep. */
  struct {
    unsigned attempt, max;
    Retry kind;
    unsigned step;
  } cases[] = {
      {1, 30000, Retry::Backoff, 500},   {3, 30000, Retry::Backoff, 2000},
      {9, 30000, Retry::Backoff, 30000}, {1, 30000, Retry::RateLimit, 5000},
      {2, 7777, Retry::RateLimit, 7777}, {1, 1, Retry::Backoff, 1},
  };
  for (const auto &c : cases) {
    std::set<unsigned> seen;
    for (uint32_t r = 0; r < 2 * c.step + 3; r++) {
      const unsigned d = backoff_ms(c.attempt, c.max, c.kind, r);
      CHECK_QUIET(2 * d >= c.step && d <= c.step,
                  "attempt %u random %u: %u ms outside [%u/2, %u]", c.attempt,
                  r, d, c.step, c.step);
      CHECK_QUIET(backoff_ms(c.attempt, c.max, c.kind, r) == d,
                  "random %u: not deterministic", r);
      seen.insert(d);
    }
    for (uint32_t r : {UINT32_MAX, UINT32_MAX - 1, 0x80000000u}) {
      const unsigned d = backoff_ms(c.attempt, c.max, c.kind, r);
      fail_unless(2 * d >= c.step && d <= c.step, "%u ms", d);
    }
    /* All of [step - step/2, step] is reachable. */
    fail_unless_equals_int(seen.size(), c.step / 2 + 1);
  }
}
GST_END_TEST;

GST_START_TEST(test_backoff_no_overflow)
{
  /* Unbounded cap and many attempts: no wrap-around to a tiny delay. */
  const unsigned half = G_MAXUINT / 2;
  fail_unless_equals_uint64(backoff_ms(1000, G_MAXUINT, Retry::Backoff, half),
                            G_MAXUINT);
  fail_unless_equals_uint64(backoff_ms(1000, G_MAXUINT, Retry::Backoff, 0),
                            G_MAXUINT - half);
  fail_unless_equals_uint64(
      backoff_ms(1000, G_MAXUINT, Retry::RateLimit, UINT32_MAX),
      G_MAXUINT - half + (UINT32_MAX % (half + 1u)));
  fail_unless_equals_uint64(
      backoff_ms(G_MAXUINT, G_MAXUINT, Retry::Backoff, half), G_MAXUINT);
  /* Still doubling well before the cap. */
  fail_unless_equals_uint64(
      backoff_ms(20, G_MAXUINT, Retry::Backoff, 500u << 18), 500u << 19);
}
GST_END_TEST;

static Suite *reconnect_core_suite(void)
{
  Suite *s = suite_create("reconnect_core");
  TCase *tc = tcase_create("replay_buffer");
  suite_add_tcase(s, tc);
  tcase_add_loop_test(tc, test_whole_ms_axis, 0, G_N_ELEMENTS(rates));
  tcase_add_test(tc, test_append_copy_from);
  tcase_add_test(tc, test_append_partial_sample_ignored);
  tcase_add_test(tc, test_bound_drops_whole_ms_from_front);
  tcase_add_test(tc, test_bound_keeps_trailing_partial_ms);
  tcase_add_loop_test(tc, test_bound_and_would_drop, 0, G_N_ELEMENTS(bounds));
  tcase_add_test(tc, test_trim_before);
  tcase_add_test(tc, test_copy_from_before_start);
  tcase_add_test(tc, test_memory_follows_audio);
  tcase_add_test(tc, test_read_from_pieces);

  TCase *tp = tcase_create("reconnect_policy");
  suite_add_tcase(s, tp);
  tcase_add_loop_test(tp, test_retry_for, 0, G_N_ELEMENTS(ends));
  tcase_add_test(tp, test_retry_ignores_reason_case_for_1008);
  tcase_add_test(tp, test_backoff_doubles_to_cap);
  tcase_add_test(tp, test_backoff_jitter);
  tcase_add_test(tp, test_backoff_no_overflow);
  return s;
}

GST_CHECK_MAIN(reconnect_core);
