/* gst-assemblyai
 * Copyright (C) 2026 gst-assemblyai contributors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
/* A local stand-in for AssemblyAI's v3 real-time streaming service
 * (see tests/emulator/README.md). Tests start it in-process; all network
 * work happens on the emulator's own thread and GMainContext. */
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

namespace aai_emu
{

struct ScriptWord {
  std::string text;       // raw (unformatted) word
  std::string formatted;  // formatted form of the same word
  int64_t start = 0;      // ms from the start of the session's audio
  int64_t end = 0;
};

struct ScriptTurn {
  std::vector<ScriptWord> words;
  double end_of_turn_confidence = 0.3;
  std::string language_code;  // empty: "en"
  double language_confidence = 0.0;
  std::string speaker;  // empty: "UNKNOWN" with speaker_labels
};

struct Script {
  std::string description;
  std::string audio;
  int sample_rate = 0;
  int64_t duration_ms = 0;
  std::vector<ScriptTurn> turns;

  static bool load_file(const std::string &path,
                        Script *out,
                        std::string *error);
  static bool load_json(const std::string &json,
                        Script *out,
                        std::string *error);
};

enum class AuthFailureMode { HttpStatus, ErrorFrameClose };
enum class PacingPolicy { Off, Strict, Throttle };

struct Config {
  std::vector<std::string> api_keys{"test-key"};
  AuthFailureMode auth_failure = AuthFailureMode::HttpStatus;
  bool require_speech_model = true;
  PacingPolicy pacing = PacingPolicy::Off;
  double strict_tolerance_s = 1.0;
  double throttle_rate = 1.25;               // Throttle: processing speed
  int64_t throttle_max_backlog_ms = 300000;  // Throttle: 3007 beyond this
  Script script;
  /* The script's audio as sent (PCM bytes of the session's encoding). When
   * set, each session finds where its audio starts in it and transcribes
   * from there (audio_locator.h); empty: session audio starts at 0. */
  std::string reference_audio;
  int processing_delay_ms = 0;
  bool begin_configuration = true;
  int64_t max_session_duration_ms = 0;
  int inactivity_close_code = 3005;
  int rate_limit_close_code = 3009;
  std::vector<std::string> keypool_team_tokens{"team-token"};
  std::string tls_cert_file, tls_key_file;
  int port = 0;  // 0: any free port on 127.0.0.1
};

/* Faults on demand (README.md). set_fault_plan() replaces the whole plan
 * and restarts its counters. */
struct FaultPlan {
  /* Per-session faults, for the next apply_to_sessions sessions. */
  int64_t drop_at_audio_ms = -1;
  int drop_after_frames = -1;
  int close_code = 0;
  std::string close_reason;
  int64_t close_at_audio_ms = 0;
  bool send_error_frame = false;
  std::vector<std::string> raw_frames;
  int64_t raw_frames_at_audio_ms = 0;
  int reply_delay_ms = 0;
  bool stall = false;
  int apply_to_sessions = 1;  // -1: every session from now on
  int refuse_sessions = 0;
  /* Non-zero: every session (whatever apply_to_sessions says) drops its
   * connection at a point drawn uniformly from [min, max] ms of received
   * audio by a generator seeded with (seed, session index). */
  uint32_t random_drop_seed = 0;
  int64_t random_drop_min_ms = 1000;
  int64_t random_drop_max_ms = 10000;
  /* Token requests (GET /v3/token, and the KeyPool token endpoint, which
   * forwards to it) answered with a failure: token_fail_status with
   * {"error": ...}, or with token_bad_json a body that is not JSON (status
   * token_fail_status, else 200), or with token_bad_json_missing_field a
   * 200 JSON body without "token". */
  int token_fail_status = 0;
  bool token_bad_json = false;
  bool token_bad_json_missing_field = false;
  /* How many token requests (either endpoint) fail, token or KeyPool
   * faults alike, before tokens are minted again; -1: until replaced. */
  int token_fail_count = -1;
  /* KeyPool upgrades and token requests fail with this status; upgrades
   * until the plan is replaced, token requests per token_fail_count. */
  int keypool_fail_status = 0;
};

struct SessionRecord {
  std::string id;
  std::string path;
  std::string query;
  std::map<std::string, std::string> params;
  std::map<std::string, std::string> headers;
  std::string subprotocol;
  std::vector<size_t> frame_sizes;
  uint64_t audio_bytes = 0;
  std::string audio;
  std::vector<std::string> control_messages;
  std::vector<std::string> sent_messages;
  /* Audio processed (ms) when each sent message was produced: shows at
   * which audio time a Turn was emitted. */
  std::vector<int64_t> sent_audio_ms;
  bool began = false, terminated = false, closed = false;
  int close_code = 0;
  std::string close_reason;
  bool rejected = false;
  int http_status = 0;
  bool dropped = false;  // the emulator dropped the TCP connection (any fault)
  int64_t random_drop_at_ms = -1;  // drawn drop point; -1: none
};

/* One request to a token endpoint (direct or KeyPool). */
struct TokenRequest {
  std::string path;
  std::map<std::string, std::string> params;   // decoded query
  std::map<std::string, std::string> headers;  // lower-case names
  int status = 0;                              // HTTP status answered
  std::string token;                           // minted token; empty if none
};

class Emulator
{
 public:
  Emulator();
  ~Emulator();
  Emulator(const Emulator &) = delete;
  Emulator &operator=(const Emulator &) = delete;

  bool start(const Config &cfg, std::string *error);
  void stop();
  std::string ws_url() const;
  std::string http_url() const;
  std::string token_url() const;
  std::string keypool_ws_url() const;
  std::string keypool_token_url() const;
  int port() const;
  void set_fault_plan(const FaultPlan &plan);
  void update_config(const std::function<void(Config &)> &fn);
  std::vector<SessionRecord> sessions() const;
  bool wait_for(
      const std::function<bool(const std::vector<SessionRecord> &)> &pred,
      int timeout_ms) const;
  /* Sessions whose connection the emulator dropped (every drop fault). */
  int drops_done() const;
  std::vector<TokenRequest> token_requests() const;
  bool wait_for_token_requests(
      const std::function<bool(const std::vector<TokenRequest> &)> &pred,
      int timeout_ms) const;
  std::string mint_token(int expires_in_seconds,
                         int max_session_duration_seconds = 0);
  /* Called on the emulator thread for every record change (standalone
   * program logging); set before start(). */
  void set_event_logger(std::function<void(const std::string &)> fn);

  struct Impl;

 private:
  std::unique_ptr<Impl> impl_;
};

}  // namespace aai_emu
