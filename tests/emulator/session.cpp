/* gst-assemblyai
 * Copyright (C) 2026 gst-assemblyai contributors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "session.h"

#include "realism.h"

#include <cmath>

namespace aai_emu
{
namespace
{

std::string error_json(int code, const std::string &reason)
{
  JsonBuilder *b = json_builder_new();
  json_builder_begin_object(b);
  json_builder_set_member_name(b, "type");
  json_builder_add_string_value(b, "Error");
  json_builder_set_member_name(b, "error_code");
  json_builder_add_int_value(b, code);
  json_builder_set_member_name(b, "error");
  json_builder_add_string_value(b, reason.c_str());
  json_builder_end_object(b);
  std::string out = builder_to_string(b);
  g_object_unref(b);
  return out;
}

/* RFC 6455 limits a close reason to 123 bytes; cut on a UTF-8 boundary. */
std::string close_reason(const std::string &reason)
{
  if (reason.size() <= 123)
    return reason;
  const char *start = reason.c_str();
  const char *end = start + 123;
  while (end > start && (((guchar)*end) & 0xC0) == 0x80)
    end--;
  return std::string(start, end);
}

std::string fmt_num(double v)
{
  gchar buf[G_ASCII_DTOSTR_BUF_SIZE];
  g_ascii_formatd(buf, sizeof buf, "%g", v);
  return buf;
}

}  // namespace

Session::Session(Emulator::Impl *impl,
                 PendingSession *p,
                 SoupServerMessage *msg,
                 SoupWebsocketConnection *conn)
    : impl_(impl),
      cfg_(p->cfg),
      clock_(p->cfg.time_scale),
      rec_(p->record),
      conn_(SOUP_WEBSOCKET_CONNECTION(g_object_ref(conn))),
      socket_(nullptr),
      token_max_duration_s_(p->token_max_duration_s),
      fail_code_(p->fail_code),
      fail_reason_(p->fail_reason),
      plan_(p->plan),
      has_plan_(p->has_plan),
      random_drop_at_ms_(p->random_drop_at_ms),
      engine_(&cfg_, &params_),
      locator_(cfg_.reference_audio.get(), 2)
{
  GSocket *s = soup_server_message_get_socket(msg);
  if (s)
    socket_ = G_SOCKET(g_object_ref(s));
  if (!has_plan_)
    plan_ = FaultPlan();
  /* The client may send large frames (1001 ms at 48 kHz and beyond). */
  soup_websocket_connection_set_max_incoming_payload_size(conn_, 16 << 20);
  message_id_ = g_signal_connect(
      conn_, "message",
      G_CALLBACK(
          +[](SoupWebsocketConnection *, gint type, GBytes *b, gpointer d) {
            ((Session *)d)->on_message((SoupWebsocketDataType)type, b);
          }),
      this);
  closed_id_ = g_signal_connect(
      conn_, "closed", G_CALLBACK(+[](SoupWebsocketConnection *, gpointer d) {
        ((Session *)d)->on_closed();
      }),
      this);
}

Session::~Session()
{
  clear_sources();
  if (queue_source_) {
    g_source_destroy(queue_source_);
    g_source_unref(queue_source_);
  }
  g_signal_handler_disconnect(conn_, message_id_);
  g_signal_handler_disconnect(conn_, closed_id_);
  if (soup_websocket_connection_get_state(conn_) == SOUP_WEBSOCKET_STATE_OPEN)
    soup_websocket_connection_close(conn_, SOUP_WEBSOCKET_CLOSE_GOING_AWAY,
                                    "emulator stopping");
  g_object_unref(conn_);
  if (socket_)
    g_object_unref(socket_);
}

GSource *Session::add_timeout(guint ms, gboolean (*fn)(gpointer))
{
  GSource *src = g_timeout_source_new(ms);
  g_source_set_callback(src, fn, this, nullptr);
  g_source_attach(src, impl_->ctx);
  return src;
}

static void drop_source(GSource **s)
{
  if (*s) {
    g_source_destroy(*s);
    g_source_unref(*s);
    *s = nullptr;
  }
}

void Session::clear_sources()
{
  drop_source(&inactivity_source_);
  drop_source(&expiry_source_);
  drop_source(&throttle_source_);
}

void Session::begin()
{
  start_us_ = g_get_monotonic_time();
  SessionRecord snapshot;
  gchar *uuid = g_uuid_string_random();
  std::string id = uuid;
  g_free(uuid);
  impl_->update_record(rec_, [&](SessionRecord &r) {
    r.id = id;
    snapshot = r;
  });
  if (fail_code_) {
    impl_->log("session refused: " + fail_reason_);
    error_close(fail_code_, fail_reason_);
    return;
  }
  std::string err;
  if (!parse_session_params(snapshot.params, cfg_.require_speech_model,
                            &params_, &err)) {
    /* The service documents no code for bad query parameters: use the
     * client-protocol error 3006 (README.md). */
    impl_->log("session rejected: " + err);
    error_close(3006, "Invalid Message: " + err);
    return;
  }
  /* The server's limit (3 h unless configured), capped by the token's. */
  int64_t max_ms = cfg_.max_session_duration_ms > 0
                       ? cfg_.max_session_duration_ms
                       : (int64_t)10800 * 1000;
  if (token_max_duration_s_ > 0)
    max_ms = std::min(max_ms, (int64_t)token_max_duration_s_ * 1000);
  /* Whole seconds, rounded down: the deadline below is never earlier than
   * expires_at, so a client acting on expires_at is never late. The limit
   * is service time: time_scale shortens it on the wall clock. */
  gint64 expires_at = (g_get_real_time() + clock_.wall_us(max_ms)) / 1000000;

  JsonBuilder *b = json_builder_new();
  json_builder_begin_object(b);
  json_builder_set_member_name(b, "type");
  json_builder_add_string_value(b, "Begin");
  json_builder_set_member_name(b, "id");
  json_builder_add_string_value(b, id.c_str());
  json_builder_set_member_name(b, "expires_at");
  json_builder_add_int_value(b, expires_at);
  if (cfg_.begin_configuration) {
    json_builder_set_member_name(b, "configuration");
    json_builder_begin_object(b);
    json_builder_set_member_name(b, "model");
    json_builder_add_string_value(b, params_.speech_model.c_str());
    if (params_.family == ModelFamily::U3Pro) {
      json_builder_set_member_name(b, "mode");
      json_builder_add_string_value(
          b, params_.mode.empty() ? "balanced" : params_.mode.c_str());
    }
    json_builder_set_member_name(b, "api_version");
    json_builder_add_string_value(b, "1.0.0");
    json_builder_end_object(b);
  }
  json_builder_end_object(b);
  enqueue(Act::Text, builder_to_string(b), 0, plan_.reply_delay_ms, true);
  g_object_unref(b);
  impl_->log("session " + id + " began (" + params_.speech_model + ")");

  expiry_source_ = add_timeout(clock_.timeout_ms(max_ms), [](gpointer d) {
    auto self = (Session *)d;
    g_source_unref(self->expiry_source_);
    self->expiry_source_ = nullptr;
    self->error_close(3008,
                      "Session Expired: Maximum session duration exceeded");
    return G_SOURCE_REMOVE;
  });
  reset_inactivity();
  if (plan_.stall)
    stalled_ = true;
  apply_audio_faults();
}

/* Every reply goes through one FIFO queue, so delays (processing, reply
 * delay faults) never reorder messages or let a close overtake a Turn. */
void Session::enqueue(Act kind,
                      std::string text,
                      int code,
                      int64_t delay_ms,
                      bool is_begin)
{
  if (finished_ || stalled_)
    return;
  gint64 due = g_get_monotonic_time() + clock_.wall_us(delay_ms);
  if (!queue_.empty())
    due = std::max(due, queue_.back().due_us);
  queue_.push_back(
      Action{due, kind, std::move(text), code, is_begin, processed_ms_});
  pump_queue();
}

void Session::pump_queue()
{
  gint64 now = g_get_monotonic_time();
  while (!queue_.empty() && !finished_ && queue_.front().due_us <= now) {
    Action a = std::move(queue_.front());
    queue_.pop_front();
    perform(a);
  }
  if (finished_)
    queue_.clear();
  if (queue_.empty() || queue_source_)
    return;
  guint ms = (guint)((queue_.front().due_us - now + 999) / 1000);
  queue_source_ = add_timeout(ms, [](gpointer d) {
    auto self = (Session *)d;
    g_source_unref(self->queue_source_);
    self->queue_source_ = nullptr;
    self->pump_queue();
    return G_SOURCE_REMOVE;
  });
}

void Session::perform(const Action &a)
{
  if (soup_websocket_connection_get_state(conn_) != SOUP_WEBSOCKET_STATE_OPEN)
    return;
  switch (a.kind) {
    case Act::Text:
      soup_websocket_connection_send_text(conn_, a.text.c_str());
      impl_->update_record(rec_, [&](SessionRecord &r) {
        r.sent_messages.push_back(a.text);
        r.sent_audio_ms.push_back(a.audio_ms);
        r.began = r.began || a.is_begin;
      });
      break;
    case Act::Close: {
      std::string reason = close_reason(a.text);
      impl_->update_record(rec_, [&](SessionRecord &r) {
        r.close_code = a.code;
        r.close_reason = reason;
      });
      impl_->log("closing with " + std::to_string(a.code) + " " + reason);
      soup_websocket_connection_close(conn_, (gushort)a.code, reason.c_str());
      break;
    }
    case Act::Drop:
      drop_now();
      break;
  }
}

void Session::error_close(int code, const std::string &reason)
{
  if (closing_)
    return;
  closing_ = true;
  clear_sources();
  enqueue(Act::Text, error_json(code, reason), 0, plan_.reply_delay_ms);
  enqueue(Act::Close, reason, code, plan_.reply_delay_ms);
}

/* Abrupt loss of the TCP connection: no close frame at all. */
void Session::drop_now()
{
  if (finished_)
    return;
  closing_ = true;
  clear_sources();
  impl_->update_record(rec_, [&](SessionRecord &r) {
    r.dropped = true;
    r.close_code = SOUP_WEBSOCKET_CLOSE_ABNORMAL;
    r.close_reason = "connection dropped";
  });
  impl_->log("dropping the connection");
  if (socket_)
    g_socket_shutdown(socket_, TRUE, TRUE, nullptr);
}

void Session::on_closed()
{
  finished_ = true;
  closing_ = true;
  clear_sources();
  gushort code = soup_websocket_connection_get_close_code(conn_);
  const char *data = soup_websocket_connection_get_close_data(conn_);
  impl_->update_record(rec_, [&](SessionRecord &r) {
    r.closed = true;
    if (r.close_code == 0) {
      r.close_code = code ? (int)code : (int)SOUP_WEBSOCKET_CLOSE_ABNORMAL;
      r.close_reason = data ? data : "";
    }
  });
  impl_->log("session closed");
}

void Session::reset_inactivity()
{
  drop_source(&inactivity_source_);
  if (closing_ || params_.inactivity_timeout_s <= 0)
    return;
  double timeout_ms = params_.inactivity_timeout_s * 1000.0;
  inactivity_source_ =
      add_timeout(clock_.timeout_ms(timeout_ms), [](gpointer d) {
        auto self = (Session *)d;
        g_source_unref(self->inactivity_source_);
        self->inactivity_source_ = nullptr;
        /* Undocumented by the service; code configurable (README.md). */
        self->error_close(self->cfg_.inactivity_close_code,
                          "Session Cancelled: Inactivity timeout");
        return G_SOURCE_REMOVE;
      });
}

void Session::on_message(SoupWebsocketDataType type, GBytes *bytes)
{
  if (closing_ || terminating_)
    return;
  reset_inactivity();
  gsize len = 0;
  const guint8 *data = (const guint8 *)g_bytes_get_data(bytes, &len);
  if (type == SOUP_WEBSOCKET_DATA_BINARY)
    on_audio(data, len);
  else
    on_text(std::string((const char *)data, len));
}

int64_t Session::received_ms() const
{
  return (int64_t)(received_bytes_ * 1000 /
                   ((uint64_t)params_.sample_rate * params_.bytes_per_sample));
}

void Session::on_audio(const guint8 *data, gsize len)
{
  frames_++;
  received_bytes_ += len;
  impl_->update_record(rec_, [&](SessionRecord &r) {
    r.frame_sizes.push_back(len);
    r.audio_bytes += len;
    if (cfg_.record_audio)
      r.audio.append((const char *)data, len);
  });
  if (plan_.drop_after_frames >= 0 && frames_ >= plan_.drop_after_frames) {
    drop_now();
    return;
  }
  double ms = (double)len * 1000.0 /
              ((double)params_.sample_rate * params_.bytes_per_sample);
  if (ms < 50.0 || ms > 1000.0) {
    error_close(3007, "Input duration violation: " + fmt_num(ms) +
                          " ms. Expected between 50 and 1000 ms");
    return;
  }
  gint64 now = g_get_monotonic_time();
  if (first_audio_us_ == 0)
    first_audio_us_ = now;
  if (cfg_.pacing == PacingPolicy::Strict && strict_rate_exceeded(now))
    return;
  apply_audio_faults();
  if (closing_)
    return;
  locate(data, len);
  if (cfg_.pacing == PacingPolicy::Throttle)
    throttle_pump();
  else
    process(received_ms());
}

/* Strict (older docs, README.md "Choices"): more audio than service time since
 * the first frame plus the tolerance is refused at once. Both sides are service
 * time, so time_scale shrinks the tolerance on the wall clock too. */
bool Session::strict_rate_exceeded(gint64 now)
{
  double service_s = clock_.service_ms(now - first_audio_us_) / 1000.0;
  double audio_s = received_ms() / 1000.0;
  if (audio_s <= service_s + cfg_.strict_tolerance_s)
    return false;
  gchar *reason = g_strdup_printf(
      "Audio Transmission Rate Exceeded: Received %s sec. audio in %s sec",
      fmt_num(std::round(audio_s * 100) / 100).c_str(),
      fmt_num(std::round(service_s * 100) / 100).c_str());
  error_close(3007, reason);
  g_free(reason);
  return true;
}

/* Throttle (newer docs, README.md "Choices"): the processing position advances
 * at throttle_rate x service time while there is unprocessed audio; the session
 * fails once the backlog exceeds the limit (audio ms, never scaled). A
 * processor that had caught up was idle: it earns no credit for the time before
 * the next frame, so a burst after a pause is throttled too. */
void Session::throttle_pump()
{
  if (closing_)
    return;
  gint64 now = g_get_monotonic_time();
  int64_t received = received_ms();
  if (throttle_idle_) {
    throttle_last_us_ = now;
    throttle_idle_ = false;
  }
  throttle_pos_ = std::min<double>(
      (double)received,
      throttle_pos_ +
          cfg_.throttle_rate * clock_.service_ms(now - throttle_last_us_));
  throttle_last_us_ = now;
  int64_t target = (int64_t)throttle_pos_;
  if (received - target > cfg_.throttle_max_backlog_ms) {
    error_close(3007,
                "Audio Transmission Rate Exceeded: too much audio buffered");
    return;
  }
  process(target);
  if (target >= received) {
    throttle_idle_ = true;
    if (terminating_)
      finish_terminate();
    return;
  }
  if (!throttle_source_ && !closing_)
    throttle_source_ = add_timeout(clock_.timeout_ms(20), [](gpointer d) {
      auto self = (Session *)d;
      g_source_unref(self->throttle_source_);
      self->throttle_source_ = nullptr;
      self->throttle_pump();
      return G_SOURCE_REMOVE;
    });
}

bool Session::locate(const guint8 *data, gsize len)
{
  if (located_ || !has_reference())
    return true;
  locator_.set_bytes_per_sample(params_.bytes_per_sample);
  std::optional<size_t> at = locator_.feed(data, len);
  if (!at)
    return false;
  start_script_at(*at);
  return true;
}

void Session::start_script_at(size_t byte_offset)
{
  located_ = true;
  int64_t ms = static_cast<int64_t>(
      byte_offset * 1000 /
      (static_cast<uint64_t>(params_.sample_rate) * params_.bytes_per_sample));
  /* Nothing was processed yet: the engine starts on the shifted script. */
  cfg_.script = script_from(cfg_.script, ms);
  impl_->log("session audio starts at " + std::to_string(ms) +
             " ms of the script");
}

/* Processes the session's audio up to audio_ms. The extra messages sit at
 * fixed audio points: the engine runs up to each point first, so where they
 * fall among the turns depends on the audio only, never on timing. */
void Session::process(int64_t audio_ms)
{
  if (!located_ && has_reference())
    return; /* no turns before we know what this audio is */
  audio_ms = std::max(audio_ms, processed_ms_);
  for (;;) {
    int64_t w = next_audio_point(cfg_.warnings, processed_ms_, audio_ms);
    int64_t u =
        next_audio_point(cfg_.unknown_messages, processed_ms_, audio_ms);
    int64_t at = w < 0 ? u : u < 0 ? w : std::min(w, u);
    if (at < 0)
      break;
    run_engine(at);
    int64_t delay = cfg_.processing_delay_ms + plan_.reply_delay_ms;
    if (w == at)
      enqueue(Act::Text, warning_message(at), 0, delay);
    if (u == at)
      enqueue(Act::Text, unknown_type_message(at), 0, delay);
  }
  run_engine(audio_ms);
}

void Session::run_engine(int64_t audio_ms)
{
  processed_ms_ = std::max(processed_ms_, audio_ms);
  std::vector<std::string> out;
  engine_.advance(processed_ms_, &out);
  enqueue_engine_output(&out);
}

void Session::enqueue_engine_output(std::vector<std::string> *out)
{
  for (auto &m : *out)
    enqueue(
        Act::Text, std::move(m), 0,
        message_latency_ms(cfg_, engine_messages_++) + plan_.reply_delay_ms);
}

void Session::apply_audio_faults()
{
  if (closing_)
    return;
  int64_t ms = received_ms();
  /* Random drops ignore apply_to_sessions (has_plan_). */
  if (random_drop_at_ms_ >= 0 && frames_ > 0 && ms >= random_drop_at_ms_) {
    drop_now();
    return;
  }
  if (!has_plan_)
    return;
  if (plan_.drop_at_audio_ms >= 0 && frames_ > 0 &&
      ms >= plan_.drop_at_audio_ms) {
    drop_now();
    return;
  }
  if (!raw_fault_done_ && !plan_.raw_frames.empty() &&
      ms >= plan_.raw_frames_at_audio_ms) {
    raw_fault_done_ = true;
    for (auto &f : plan_.raw_frames)
      enqueue(Act::Text, f, 0, plan_.reply_delay_ms);
  }
  if (!close_fault_done_ && plan_.close_code && ms >= plan_.close_at_audio_ms) {
    close_fault_done_ = true;
    closing_ = true;
    clear_sources();
    if (plan_.send_error_frame)
      enqueue(Act::Text, error_json(plan_.close_code, plan_.close_reason), 0,
              plan_.reply_delay_ms);
    enqueue(Act::Close, plan_.close_reason, plan_.close_code,
            plan_.reply_delay_ms);
  } else if (!close_fault_done_ && !plan_.close_code &&
             plan_.send_error_frame) {
    /* An Error frame on its own; the session carries on. */
    close_fault_done_ = true;
    enqueue(Act::Text,
            error_json(3005, plan_.close_reason.empty()
                                 ? "Session Cancelled: An error occurred"
                                 : plan_.close_reason),
            0, plan_.reply_delay_ms);
  }
}

/* The end of a Terminate: all audio processed, the open turn forced to an
 * end, Termination, close 1000. */
void Session::finish_terminate()
{
  if (closing_)
    return;
  closing_ = true;
  clear_sources();
  process(received_ms());
  std::vector<std::string> out;
  engine_.force_endpoint(received_ms(), &out);
  enqueue_engine_output(&out);
  /* Durations in service time, like the audio: a time-scaled session
   * reports what the service would have. */
  double session_s =
      clock_.service_ms(g_get_monotonic_time() - start_us_) / 1000.0;
  JsonBuilder *b = json_builder_new();
  json_builder_begin_object(b);
  json_builder_set_member_name(b, "type");
  json_builder_add_string_value(b, "Termination");
  json_builder_set_member_name(b, "audio_duration_seconds");
  json_builder_add_int_value(b, (received_ms() + 500) / 1000);
  json_builder_set_member_name(b, "session_duration_seconds");
  json_builder_add_int_value(b, (gint64)std::llround(session_s));
  json_builder_end_object(b);
  enqueue(Act::Text, builder_to_string(b), 0, plan_.reply_delay_ms);
  g_object_unref(b);
  enqueue(Act::Close, "", SOUP_WEBSOCKET_CLOSE_NORMAL, plan_.reply_delay_ms);
}

void Session::on_text(const std::string &text)
{
  impl_->update_record(
      rec_, [&](SessionRecord &r) { r.control_messages.push_back(text); });
  JsonParser *parser = json_parser_new();
  if (!json_parser_load_from_data(parser, text.data(), text.size(), nullptr)) {
    g_object_unref(parser);
    error_close(3006, "Invalid JSON: " + text);
    return;
  }
  JsonNode *root = json_parser_get_root(parser);
  JsonObject *o = root && JSON_NODE_HOLDS_OBJECT(root)
                      ? json_node_get_object(root)
                      : nullptr;
  JsonNode *type_node = o ? json_object_get_member(o, "type") : nullptr;
  if (!type_node || json_node_get_value_type(type_node) != G_TYPE_STRING) {
    g_object_unref(parser);
    error_close(3006, "Invalid Message: " + text);
    return;
  }
  std::string type = json_node_get_string(type_node);
  if (type == "Terminate") {
    terminating_ = true;
    drop_source(&inactivity_source_);
    impl_->update_record(rec_, [](SessionRecord &r) { r.terminated = true; });
    /* Flush: everything received is processed (at the throttled pace:
     * throttle_pump() finishes once it has caught up), the open turn
     * ends. */
    if (!located_ && has_reference())
      start_script_at(locator_.best_guess());
    if (cfg_.pacing == PacingPolicy::Throttle)
      throttle_pump();
    else
      finish_terminate();
  } else if (type == "ForceEndpoint") {
    std::vector<std::string> out;
    engine_.force_endpoint(processed_ms_, &out);
    enqueue_engine_output(&out);
  } else if (type == "KeepAlive") {
    /* Only resets the inactivity timer (done above). */
  } else if (type == "UpdateConfiguration") {
    apply_update_configuration(o, &params_);
    process(processed_ms_);
  } else {
    error_close(3006, "Invalid Message Type: " + type);
  }
  g_object_unref(parser);
}

}  // namespace aai_emu
