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
/* What the session does with audio sent faster than real time (README.md
 * "Choices where the docs conflict"): Off processes it at once, Strict closes
 * with 3007 "Received <x> sec. audio in <y> sec" (older docs), Throttle
 * processes at throttle_rate x real time and closes with 3007 "too much audio
 * buffered" past throttle_max_backlog_ms (newer docs). */
enum class PacingPolicy { Off, Strict, Throttle };

/* What format_turns=true does on Universal-Streaming and whisper-rt (the
 * docs disagree, README.md "Choices"): FollowUp sends the raw end-of-turn
 * Turn, then the same turn formatted (older docs); EveryMessage formats
 * every Turn, partials included, with no follow-up (interim docs). */
enum class FormatTurnsStyle { FollowUp, EveryMessage };

/* Deterministic points in a session's processed audio: the first at
 * first_ms, then every every_ms (<= 0: only the first); first_ms < 0: none. */
struct AudioPoints {
  int64_t first_ms = -1;
  int64_t every_ms = 0;
};

struct Config {
  /* Presets (README.md "Modes"). Each sets every realism field below, so
   * it means the same whatever the plain defaults are:
   * - realistic(): the service as documented: throttle at 1.25x real time,
   *   3007 past 5 min of backlog, 200..400 ms before each Turn, a Warning
   *   and an unknown message type at fixed audio points, multilingual
   *   formatted natively, no speaker labels on whisper-rt.
   * - strict(): realistic(), but audio faster than real time is refused
   *   at once (the older common-errors reading).
   * - instant(): replies as soon as the audio is in: no pacing, no delay,
   *   no extra messages (model behaviour as in realistic()).
   * A plain Config is realistic(): tests get the service's pacing and
   * delays unless they ask for instant() (and say why). */
  static Config realistic();
  static Config strict();
  static Config instant();

  std::vector<std::string> api_keys{"test-key"};
  AuthFailureMode auth_failure = AuthFailureMode::HttpStatus;
  bool require_speech_model = true;
  PacingPolicy pacing = PacingPolicy::Throttle;
  double strict_tolerance_s = 1.0;           // Strict: audio ahead allowed
  double throttle_rate = 1.25;               // Throttle: processing speed
  int64_t throttle_max_backlog_ms = 300000;  // Throttle: 3007 beyond this
  /* Wall-clock scale of every duration the emulator keeps: 1.0 = real
   * time, 0.05 = everything 20x sooner (throttle and strict rates,
   * processing and reply delays, inactivity timeout, session limit and
   * expires_at, token lifetimes, timers). Audio time (ms of audio, word
   * times, backlog limits measured in audio) is never scaled, and the
   * durations the emulator reports (Termination.session_duration_seconds)
   * are in scaled-back service time. Must be > 0. */
  double time_scale = 1.0;
  Script script;
  /* The script's audio as sent (PCM bytes of the session's encoding). When
   * set, each session finds where its audio starts in it and transcribes
   * from there (audio_locator.h); unset or empty: session audio starts at
   * 0. Shared, as every session copies the Config: two hours of audio are
   * 230 MB. */
  std::shared_ptr<const std::string> reference_audio;
  /* Service-side latency of each Turn/SpeechStarted: message n of a
   * session (0-based) waits processing_delay_ms + processing_delay_spread_ms
   * x ((61 n + 17) mod 101) / 100 ms after the audio it needs was
   * processed (service ms, scaled by time_scale). */
  int processing_delay_ms = 200;
  int processing_delay_spread_ms = 200;
  /* Messages clients must tolerate, at fixed points of processed audio:
   * {"type":"Warning","warning_code":3100,"warning":...} and a message of a
   * type no client knows ("EmulatorFutureEvent"). */
  AudioPoints warnings{2500, 20000};
  AudioPoints unknown_messages{4000, 20000};
  /* universal-streaming-multilingual punctuates and cases every Turn (the
   * script's formatted words); false: plain words like the English model. */
  bool multilingual_formatted = true;
  /* whisper-rt has no diarization: false leaves speaker fields out even
   * with speaker_labels=true. */
  bool whisper_speaker_labels = false;
  FormatTurnsStyle format_turns_style = FormatTurnsStyle::FollowUp;
  bool begin_configuration = true;
  int64_t max_session_duration_ms = 0;
  int inactivity_close_code = 3005;
  int rate_limit_close_code = 3009;
  std::vector<std::string> keypool_team_tokens{"team-token"};
  std::string tls_cert_file, tls_key_file;
  int port = 0;  // 0: any free port on 127.0.0.1
  /* Pending connections the kernel queues before the emulator accepts
   * them (listen(2) backlog; GSocket's default is 10). */
  int listen_backlog = 4096;
  /* Keep every received byte in SessionRecord::audio; false keeps only
   * audio_bytes and frame_sizes (long runs: 2 h of 16 kHz audio is
   * 230 MB). */
  bool record_audio = true;
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

class AgentService;

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
  /* The Voice Agent API on the same server (agent_service.h). */
  AgentService &agent();

  struct Impl;

 private:
  std::unique_ptr<Impl> impl_;
};

}  // namespace aai_emu
