/* gst-assemblyai
 * Copyright (C) 2026 gst-assemblyai contributors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "agent_conversation.h"

#include <algorithm>
#include <climits>

#include "json_text.h"

namespace aai_emu
{

namespace
{

/* {"type": @type, ...what @fill adds}. */
std::string event_json(const char *type,
                       const std::function<void(JsonBuilder *)> &fill)
{
  JsonBuilder *b = json_builder_new();
  json_builder_begin_object(b);
  json_builder_set_member_name(b, "type");
  json_builder_add_string_value(b, type);
  if (fill)
    fill(b);
  json_builder_end_object(b);
  std::string out = builder_to_string(b);
  g_object_unref(b);
  return out;
}

void member(JsonBuilder *b, const char *name, const std::string &v)
{
  json_builder_set_member_name(b, name);
  json_builder_add_string_value(b, v.c_str());
}

JsonObject *object_member(JsonObject *o, const char *name)
{
  JsonNode *n = o ? json_object_get_member(o, name) : nullptr;
  return n && JSON_NODE_HOLDS_OBJECT(n) ? json_node_get_object(n) : nullptr;
}

bool string_member(JsonObject *o, const char *name, std::string *out)
{
  JsonNode *n = o ? json_object_get_member(o, name) : nullptr;
  if (!n || !JSON_NODE_HOLDS_VALUE(n) ||
      json_node_get_value_type(n) != G_TYPE_STRING)
    return false;
  *out = json_node_get_string(n);
  return true;
}

/* The "format" member of @side: encoding (+ a matching sample_rate). */
bool read_format(JsonObject *side,
                 AgentFormat *out,
                 AgentConversation::Refusal *why)
{
  JsonObject *f = object_member(side, "format");
  if (!f)
    return true;
  std::string enc = "audio/pcm";
  string_member(f, "encoding", &enc);
  if (!agent_format_from_name(enc, out)) {
    *why = {"invalid_format", "Unsupported encoding '" + enc +
                                  "' (audio/pcm, audio/pcmu, audio/pcma)"};
    return false;
  }
  JsonNode *rate = json_object_get_member(f, "sample_rate");
  if (rate && JSON_NODE_HOLDS_VALUE(rate) &&
      json_node_get_int(rate) != agent_format_rate(*out)) {
    *why = {"invalid_format",
            enc + " is " + std::to_string(agent_format_rate(*out)) + " Hz"};
    return false;
  }
  return true;
}

bool contains_word(std::string text, std::string word)
{
  std::transform(text.begin(), text.end(), text.begin(), ::tolower);
  std::transform(word.begin(), word.end(), word.begin(), ::tolower);
  return !word.empty() && text.find(word) != std::string::npos;
}

constexpr int64_t kNever = INT64_MAX;
/* reply.audio frames of this many ms, sent at once (faster than real
 * time, as a speech synthesizer streams). */
constexpr int kAudioFrameMs = 100;

}  // namespace

AgentConversation::AgentConversation(std::string id,
                                     AgentEmuConfig cfg,
                                     Record record)
    : id_(std::move(id)), cfg_(std::move(cfg)), record_(std::move(record))
{
}

std::optional<AgentConversation::Refusal> AgentConversation::configure(
    JsonObject *s,
    bool first)
{
  Refusal why;
  std::string agent_id;
  bool has_agent = string_member(s, "agent_id", &agent_id);
  JsonObject *input = object_member(s, "input");
  JsonObject *output = object_member(s, "output");
  if (!first) {
    const char *fixed = nullptr;
    if (has_agent)
      fixed = "agent_id";
    else if (json_object_has_member(s, "greeting"))
      fixed = "greeting";
    else if (output && json_object_has_member(output, "voice"))
      fixed = "output.voice";
    else if (output && json_object_has_member(output, "format"))
      fixed = "output.format";
    else if (input && json_object_has_member(input, "format"))
      fixed = "input.format";
    if (fixed)
      return Refusal{"immutable_field", std::string(fixed) +
                                            " cannot be changed after "
                                            "session.ready"};
  }
  if (has_agent) {
    if (json_object_get_size(s) > 1)
      return Refusal{"invalid_request",
                     "agent_id cannot be combined with an inline "
                     "configuration"};
    auto it = cfg_.stored_agents.find(agent_id);
    if (it == cfg_.stored_agents.end())
      return Refusal{"agent_not_found", "No agent '" + agent_id + "'"};
    greeting_ = it->second;
    configured_ = true;
    return std::nullopt;
  }

  /* Read everything first: a refused update changes nothing. */
  AgentFormat in = input_, out = output_;
  if (!read_format(input, &in, &why) || !read_format(output, &out, &why))
    return why;
  std::string voice = voice_;
  if (output && json_object_has_member(output, "voice")) {
    if (!string_member(output, "voice", &voice) ||
        std::find(cfg_.voices.begin(), cfg_.voices.end(), voice) ==
            cfg_.voices.end())
      return Refusal{"invalid_voice", "Unknown voice '" + voice + "'"};
  }
  int volume = volume_;
  if (output && json_object_has_member(output, "volume")) {
    JsonNode *v = json_object_get_member(output, "volume");
    if (JSON_NODE_HOLDS_NULL(v)) {
      volume = -1;
    } else {
      volume = static_cast<int>(json_node_get_int(v));
      if (!JSON_NODE_HOLDS_VALUE(v) || volume < 0 || volume > 100)
        return Refusal{"invalid_value", "output.volume must be 0..100"};
    }
  }
  std::vector<std::string> tools = tools_;
  if (json_object_has_member(s, "tools")) {
    JsonNode *t = json_object_get_member(s, "tools");
    if (!JSON_NODE_HOLDS_ARRAY(t))
      return Refusal{"invalid_value", "tools must be an array"};
    tools.clear();
    JsonArray *a = json_node_get_array(t);
    for (guint i = 0; i < json_array_get_length(a); i++) {
      JsonNode *e = json_array_get_element(a, i);
      std::string name;
      if (!JSON_NODE_HOLDS_OBJECT(e) ||
          !string_member(json_node_get_object(e), "name", &name))
        return Refusal{"invalid_value", "a tool without a name"};
      tools.push_back(name);
    }
  }
  int min_silence = min_silence_ms_;
  bool interrupt = interrupt_;
  if (JsonObject *td = object_member(input, "turn_detection")) {
    if (json_object_has_member(td, "min_silence"))
      min_silence =
          static_cast<int>(json_object_get_int_member(td, "min_silence"));
    if (json_object_has_member(td, "interrupt_response"))
      interrupt = json_object_get_boolean_member(td, "interrupt_response");
  }
  string_member(s, "system_prompt", &system_prompt_);
  string_member(s, "greeting", &greeting_);
  input_ = in;
  output_ = out;
  voice_ = voice;
  volume_ = volume;
  tools_ = tools;
  min_silence_ms_ = min_silence;
  interrupt_ = interrupt;
  configured_ = true;
  return std::nullopt;
}

void AgentConversation::attach(Emit emit, bool fresh)
{
  emit_ = std::move(emit);
  detached_at_us_ = -1;
  record_([](AgentConversationRecord &r) { r.connections++; });
  event(event_json("session.ready",
                   [this](JsonBuilder *b) { member(b, "session_id", id_); }));
  if (fresh && !greeting_.empty())
    queue_reply(greeting_, false, now_ms_);
}

void AgentConversation::detach(int64_t now_us)
{
  emit_ = nullptr;
  detached_at_us_ = now_us;
}

bool AgentConversation::resumable(int64_t now_us) const
{
  return !ended_ && !attached() && detached_at_us_ >= 0 &&
         now_us - detached_at_us_ < cfg_.grace_ms * 1000;
}

void AgentConversation::end()
{
  ended_ = true;
  record_([](AgentConversationRecord &r) { r.ended = true; });
}

void AgentConversation::event(const std::string &json)
{
  if (emit_)
    emit_(json);
  record_([&json](AgentConversationRecord &r) { r.events.push_back(json); });
}

void AgentConversation::audio(size_t bytes)
{
  bytes_ += bytes;
  const uint64_t per_ms = static_cast<uint64_t>(agent_format_rate(input_)) *
                          agent_format_bytes_per_sample(input_) / 1000;
  int64_t ms = static_cast<int64_t>(bytes_ / per_ms);
  advance_to(ms);
  record_([&](AgentConversationRecord &r) {
    r.audio_bytes = bytes_;
    r.audio_ms = ms;
  });
}

/* Everything that happens in the input audio up to @ms, in time order:
 * the end of a reply before a caller starting at the same moment, then the
 * start of speech, words, the end of a turn. */
void AgentConversation::advance_to(int64_t ms)
{
  const auto &turns = cfg_.script.turns;
  const int min_silence =
      min_silence_ms_ >= 0 ? min_silence_ms_ : cfg_.min_silence_ms;
  for (;;) {
    int64_t t_reply = reply_ ? reply_->start_ms + reply_->duration_ms : kNever;
    int64_t t_start = !speaking_ && next_turn_ < turns.size()
                          ? turns[next_turn_].words.front().start
                          : kNever;
    int64_t t_word = kNever, t_end = kNever;
    if (speaking_) {
      const auto &words = turns[next_turn_].words;
      if (words_heard_ < words.size())
        t_word = words[words_heard_].end;
      else
        t_end = words.back().end + min_silence;
    }
    int64_t t = std::min({t_reply, t_start, t_word, t_end});
    if (t > ms)
      break;
    now_ms_ = std::max(now_ms_, t);
    if (t == t_reply)
      reply_ended(t);
    else if (t == t_start)
      speech_started(t);
    else if (t == t_word)
      word_heard(words_heard_);
    else
      turn_ended(t);
  }
  now_ms_ = std::max(now_ms_, ms);
}

std::string AgentConversation::turn_text(size_t words) const
{
  const auto &w = cfg_.script.turns[next_turn_].words;
  std::string out;
  for (size_t i = 0; i < words && i < w.size(); i++)
    out += (out.empty() ? "" : " ") +
           (words == w.size() ? w[i].formatted : w[i].text);
  return out;
}

void AgentConversation::speech_started(int64_t t)
{
  speaking_ = true;
  words_heard_ = 0;
  event(event_json("input.speech.started", nullptr));
  if (!reply_ || !interrupt_)
    return;
  /* Barge-in: the reply stops where the caller came in; what it asked of
   * a tool is void, and nothing queued after it is said. */
  Reply r = *reply_;
  size_t spoken = static_cast<size_t>((t - r.start_ms) / cfg_.ms_per_char);
  spoken = std::min(spoken, r.text.size());
  event(event_json("transcript.agent", [&](JsonBuilder *b) {
    member(b, "text", r.text.substr(0, spoken));
    member(b, "reply_id", r.id);
    member(b, "item_id", "item_" + std::to_string(++items_));
    json_builder_set_member_name(b, "interrupted");
    json_builder_add_boolean_value(b, TRUE);
  }));
  event(event_json("reply.done",
                   [](JsonBuilder *b) { member(b, "status", "interrupted"); }));
  calls_.erase(
      std::remove_if(calls_.begin(), calls_.end(),
                     [&](const Call &c) { return c.id == r.tool_call; }),
      calls_.end());
  record_([&](AgentConversationRecord &rec) {
    rec.replies[r.record].interrupted = true;
    rec.replies[r.record].done = true;
    rec.replies[r.record].spoken_chars = spoken;
  });
  reply_.reset();
  queued_.clear();
}

void AgentConversation::word_heard(size_t)
{
  words_heard_++;
  std::string text = turn_text(words_heard_);
  if (words_heard_ == cfg_.script.turns[next_turn_].words.size()) {
    /* The delta carries the raw words; the final transcript the
     * formatted turn. */
    text.clear();
    for (size_t i = 0; i < words_heard_; i++)
      text += (text.empty() ? "" : " ") +
              cfg_.script.turns[next_turn_].words[i].text;
  }
  event(event_json("transcript.user.delta",
                   [&](JsonBuilder *b) { member(b, "text", text); }));
}

void AgentConversation::turn_ended(int64_t t)
{
  std::string text = turn_text(cfg_.script.turns[next_turn_].words.size());
  speaking_ = false;
  next_turn_++;
  event(event_json("input.speech.stopped", nullptr));
  event(event_json("transcript.user", [&](JsonBuilder *b) {
    member(b, "text", text);
    member(b, "item_id", "item_" + std::to_string(++items_));
  }));
  last_user_text_ = text;
  if (!tools_.empty() && contains_word(text, cfg_.tool_trigger))
    queue_reply("Let me check that.", true, t);
  else
    queue_reply("You said " + text, false, t);
}

void AgentConversation::queue_reply(const std::string &text,
                                    bool tool,
                                    int64_t ms)
{
  if (reply_)
    queued_.push_back({text, tool});
  else
    start_reply(text, tool, ms);
}

void AgentConversation::start_reply(const std::string &text,
                                    bool tool,
                                    int64_t ms)
{
  Reply r;
  r.id = "reply_" + std::to_string(++replies_);
  r.text = text;
  r.start_ms = ms;
  r.duration_ms = static_cast<int64_t>(text.size()) * cfg_.ms_per_char;
  event(event_json("reply.started",
                   [&](JsonBuilder *b) { member(b, "reply_id", r.id); }));
  std::vector<uint8_t> pcm =
      synthesize_reply(text, cfg_.ms_per_char, volume_, output_);
  const size_t frame = static_cast<size_t>(agent_format_rate(output_)) *
                       agent_format_bytes_per_sample(output_) * kAudioFrameMs /
                       1000;
  for (size_t at = 0; at < pcm.size(); at += frame) {
    size_t n = std::min(frame, pcm.size() - at);
    gchar *b64 = g_base64_encode(pcm.data() + at, n);
    std::string json = event_json(
        "reply.audio", [b64](JsonBuilder *b) { member(b, "data", b64); });
    g_free(b64);
    if (emit_)
      emit_(json);
  }
  if (tool) {
    r.tool_call = "call_" + std::to_string(replies_);
    calls_.push_back({r.tool_call, false});
    event(event_json("tool.call", [&](JsonBuilder *b) {
      member(b, "call_id", r.tool_call);
      member(b, "name", tools_.front());
      json_builder_set_member_name(b, "arguments");
      json_builder_begin_object(b);
      member(b, "query", last_user_text_);
      json_builder_end_object(b);
    }));
  }
  AgentReplyRecord rec;
  rec.reply_id = r.id;
  rec.text = text;
  rec.start_ms = ms;
  rec.duration_ms = r.duration_ms;
  rec.tool_call = r.tool_call;
  const size_t audio_bytes = pcm.size();
  record_([&](AgentConversationRecord &c) {
    r.record = c.replies.size();
    c.replies.push_back(rec);
    c.reply_audio_bytes += audio_bytes;
  });
  reply_ = r;
}

void AgentConversation::reply_ended(int64_t t)
{
  Reply r = *reply_;
  reply_.reset();
  event(event_json("transcript.agent", [&](JsonBuilder *b) {
    member(b, "text", r.text);
    member(b, "reply_id", r.id);
    member(b, "item_id", "item_" + std::to_string(++items_));
    json_builder_set_member_name(b, "interrupted");
    json_builder_add_boolean_value(b, FALSE);
  }));
  event(event_json("reply.done",
                   [](JsonBuilder *b) { member(b, "status", "completed"); }));
  for (Call &c : calls_)
    if (c.id == r.tool_call)
      c.reply_done = true;
  record_(
      [&](AgentConversationRecord &rec) { rec.replies[r.record].done = true; });
  if (!queued_.empty()) {
    Queued q = queued_.front();
    queued_.pop_front();
    start_reply(q.text, q.tool, t);
  }
}

void AgentConversation::tool_result(const std::string &call_id,
                                    const std::string &result)
{
  auto it = std::find_if(calls_.begin(), calls_.end(),
                         [&](const Call &c) { return c.id == call_id; });
  bool known = it != calls_.end();
  bool early = known && !it->reply_done;
  record_([&](AgentConversationRecord &r) {
    r.tool_results.emplace_back(call_id, result);
    r.early_tool_results += early ? 1 : 0;
    r.stale_tool_results += known ? 0 : 1;
  });
  if (!known) {
    event(event_json("session.error", [&](JsonBuilder *b) {
      member(b, "code", "invalid_tool_call");
      member(b, "message", "No tool call '" + call_id + "' is pending");
    }));
    return;
  }
  calls_.erase(it);
  queue_reply("Here is what I found: " + result, false, now_ms_);
}

void AgentConversation::reply_create(
    const std::optional<std::string> &instructions)
{
  queue_reply(instructions && !instructions->empty() ? *instructions
                                                     : "How can I help you",
              false, now_ms_);
}

}  // namespace aai_emu
