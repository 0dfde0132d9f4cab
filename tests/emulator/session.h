/* gst-assemblyai
 * Copyright (C) 2026 gst-assemblyai contributors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
/* One emulated streaming session on the emulator thread: audio checks,
 * pacing, control messages, timers, faults and the ordered reply queue. */
#pragma once

#include "audio_locator.h"
#include "emulator_impl.h"
#include "service_clock.h"

namespace aai_emu
{

class Session
{
 public:
  Session(Emulator::Impl *impl,
          PendingSession *pending,
          SoupServerMessage *msg,
          SoupWebsocketConnection *conn);
  ~Session();
  Session(const Session &) = delete;
  Session &operator=(const Session &) = delete;

  void begin();

 private:
  enum class Act { Text, Close, Drop };
  struct Action {
    gint64 due_us;
    Act kind;
    std::string text;
    int code;
    bool is_begin;
    int64_t audio_ms;
  };

  /* delay_ms is service time (scaled by Config::time_scale). */
  void enqueue(Act kind,
               std::string text,
               int code,
               int64_t delay_ms,
               bool is_begin = false);
  void pump_queue();
  void perform(const Action &a);
  void error_close(int code, const std::string &reason);
  void drop_now();
  void on_message(SoupWebsocketDataType type, GBytes *bytes);
  void on_audio(const guint8 *data, gsize len);
  void on_text(const std::string &text);
  void on_closed();
  void process(int64_t audio_ms);
  void run_engine(int64_t audio_ms);
  void enqueue_engine_output(std::vector<std::string> *out);
  bool strict_rate_exceeded(gint64 now);
  void finish_terminate();
  bool locate(const guint8 *data, gsize len);
  void start_script_at(size_t byte_offset);
  void throttle_pump();
  void reset_inactivity();
  void apply_audio_faults();
  void clear_sources();
  int64_t received_ms() const;
  GSource *add_timeout(guint ms, gboolean (*fn)(gpointer));

  Emulator::Impl *impl_;
  Config cfg_;
  ServiceClock clock_;
  size_t rec_;
  SoupWebsocketConnection *conn_;
  GSocket *socket_;
  gulong message_id_ = 0, closed_id_ = 0;
  int token_max_duration_s_;
  int fail_code_;
  std::string fail_reason_;
  FaultPlan plan_;
  bool has_plan_;
  int64_t random_drop_at_ms_;
  SessionParams params_;
  TurnEngine engine_;
  AudioLocator locator_;
  bool located_ = false; /* cfg_.script starts where the audio does */
  bool has_reference() const
  {
    return cfg_.reference_audio && !cfg_.reference_audio->empty();
  }

  std::deque<Action> queue_;
  GSource *queue_source_ = nullptr;
  GSource *inactivity_source_ = nullptr;
  GSource *expiry_source_ = nullptr;
  GSource *throttle_source_ = nullptr;
  bool closing_ = false;      // a close is under way: nothing more is produced
  bool terminating_ = false;  // Terminate received: input ignored, draining
  bool finished_ = false;     // the connection is gone
  bool stalled_ = false;
  bool close_fault_done_ = false, raw_fault_done_ = false;
  gint64 start_us_ = 0, first_audio_us_ = 0;
  uint64_t received_bytes_ = 0;
  int frames_ = 0;
  int64_t processed_ms_ = 0;
  uint64_t engine_messages_ = 0;  // Turn/SpeechStarted produced (latency)
  /* Throttle: audio position of the processing (fractional ms), when it
   * last advanced, and whether it had caught up with the received audio
   * (an idle processor earns no credit for a later burst). */
  double throttle_pos_ = 0;
  gint64 throttle_last_us_ = 0;
  bool throttle_idle_ = true;
};

}  // namespace aai_emu
