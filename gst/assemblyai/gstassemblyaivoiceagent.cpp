/* gst-assemblyai
 * Copyright (C) 2026 gst-assemblyai contributors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
/**
 * SECTION:element-assemblyaivoiceagent
 * @title: assemblyaivoiceagent
 *
 * A spoken conversation with an AssemblyAI voice agent (the Voice Agent
 * API, docs/voice-agent.md) as one element: the caller's audio goes in on
 * `sink`, the agent's speech comes out on `src`, and every event of the
 * conversation is a bus message.
 *
 * ## Pads
 *
 * - `sink` (always): the caller, in a format the API takes:
 *   `audio/x-raw, format=S16LE, rate=24000, channels=1` (`audio/pcm`),
 *   `audio/x-mulaw, rate=8000, channels=1` (`audio/pcmu`) or
 *   `audio/x-alaw, rate=8000, channels=1` (`audio/pcma`). Put
 *   `audioconvert ! audioresample` in front for anything else. The format
 *   is fixed for the conversation.
 * - `src` (always): the agent's speech, 24 kHz S16LE by default, or 8 kHz
 *   mu-law / A-law for telephony: chosen by the downstream caps, or by
 *   #GstAssemblyAIVoiceAgent:output-encoding (the pad then offers only
 *   that format).
 * - `user_text_src`, `agent_text_src` (request): `text/x-raw,
 *   format=utf8`, one buffer per final transcript of the caller
 *   (`transcript.user`, timestamped when it arrived) or of the agent
 *   (`transcript.agent`, timestamped where its speech is on `src`, for as
 *   long as it was heard). Only text buffers, no GAP events between them.
 *
 * ## Timing
 *
 * `src` is a live stream in running time, like a capture source: it
 * starts at the running time the element reaches PLAYING and pushes one
 * 20 ms buffer when the clock reaches it, the agent's speech while some
 * is queued and silence otherwise (buffers flagged GAP, with the format's
 * silence value), so timestamps are continuous and live consumers (audio
 * sinks, RTP payloaders, mixers) keep going while the agent is quiet. The
 * element answers the LATENCY query as live with 20 ms and returns
 * NO_PREROLL in PAUSED. Non-live input (a file) is held to real time
 * (#GstAssemblyAIVoiceAgent:pace), so the caller's turns and the agent's
 * answers line up on one timeline. With pace=false the caller's turns
 * reach the service faster than the agent's speech plays, so each new
 * turn cuts off the speech still queued (barge-in): the messages and tool
 * calls are complete, the audio is not. Non-live input waits while there
 * is no session rather than lose audio; live input is held (up to 10 s,
 * the oldest dropped with a warning).
 *
 * The caller's audio is sent as it comes: GAP events and holes between
 * buffer timestamps are not filled with silence. On an RTP leg whose phone
 * stops sending in silence (DTX) or loses packets, the service hears less
 * silence than there was and may take longer to end the caller's turn:
 * put `audiorate` in front of PCM input; for G.711, have the far end send
 * its silence (no DTX).
 *
 * ## Barge-in
 *
 * When the caller starts speaking during a reply (`input.speech.started`)
 * or the service reports it (`reply.done` with status `interrupted`), the
 * agent's queued speech is dropped at once: at most the 20 ms buffer that
 * is playing goes on. With #GstAssemblyAIVoiceAgent:flush-on-barge-in
 * (default) the element also flushes downstream (FLUSH_START/FLUSH_STOP
 * without resetting running time, then the same segment) when agent speech
 * went out in the last 500 ms, so an audio sink drops what its device
 * buffer still holds; timestamps go on without a jump. Turn it off when
 * `src` ends in a file (filesink truncates its file on a flush). With
 * interrupt-response=false the agent is not cut off.
 *
 * ## Session
 *
 * On the first caps the element connects and sends `session.update` built
 * from the properties (or only agent-id for a stored agent; the two are
 * mutually exclusive); caller audio goes out as base64 `input.audio` in
 * 50 ms messages only after `session.ready`, audio captured before that
 * follows in order. In PLAYING, system-prompt, output-volume,
 * keyterms, the turn-detection properties and tools can change: each
 * change goes out as a new `session.update` with the changed fields alone.
 * greeting, voice, output-encoding and agent-id are fixed once the
 * session is configured (the service would answer `immutable_field`): a
 * change is refused, the property keeps its value, and a LIBRARY/SETTINGS
 * warning names the property (details structure: `property`, string).
 *
 * ## Tools
 *
 * #GstAssemblyAIVoiceAgent:tools is a JSON array of function tools. When
 * the agent calls one, #GstAssemblyAIVoiceAgent::tool-call is emitted (on
 * the element's worker thread, never the network thread) with the call
 * id, the tool name and the arguments as JSON text; its handler returns
 * the result string, or %NULL and answers later with the
 * #GstAssemblyAIVoiceAgent::tool-result action signal (so can an
 * application without a handler, from the `assemblyai/agent-tool-call`
 * message; until a call is answered, EOS waits for it up to
 * end-timeout). Results are sent as
 * `tool.result` after the `reply.done` of the reply that asked for them,
 * as the API requires; if that reply was interrupted they are stale and
 * dropped (with a warning).
 *
 * The #GstAssemblyAIVoiceAgent::create-reply action signal asks the agent
 * to speak now (`reply.create`, with optional instructions), e.g. to
 * prompt a caller who has gone quiet.
 *
 * ## Connection, credentials and resume
 *
 * For every connection, in this order: a handler of
 * #GstAssemblyAIVoiceAgent::request-token (a token from the application),
 * a token minted at #GstAssemblyAIVoiceAgent:token-url (`GET /v1/token`
 * with the API key as Bearer, a fresh single-use token per connection),
 * #GstAssemblyAIVoiceAgent:token (single use: the first connection only),
 * or #GstAssemblyAIVoiceAgent:api-key (else `ASSEMBLYAI_API_KEY`) sent as
 * `Authorization: Bearer <key>`. Tokens travel as `?token=`, keys only in
 * the header. Secrets are write-only, never logged at any `GST_DEBUG`
 * level, and shown as `***` in any URL printed.
 *
 * #GstAssemblyAIVoiceAgent:connect-timeout bounds each connection until
 * `session.ready`. After a dropped connection the element reconnects with
 * backoff (0.5 s
 * doubling to reconnect-max-backoff, with jitter; reconnect-attempts in a
 * row) and, within the service's 30 s grace window, sends
 * `session.resume` with a fresh credential: the same session goes on,
 * nothing is said twice, the caller's audio from the outage follows. After
 * the window a new session starts (with a warning that the agent lost the
 * conversation). Each loss is a RESOURCE/OPEN_READ_WRITE warning, and so
 * is the error when the attempts run out.
 *
 * At EOS the line stays open (the service hears silence: at least 2 s, or
 * max-silence + 0.5 s, so it can end the caller's last turn) until that
 * turn is answered and the agent has finished speaking, then
 * `session.end` goes out and, after `session.ended`, EOS on `src`; all
 * within #GstAssemblyAIVoiceAgent:end-timeout.
 *
 * ## Properties
 *
 * The session (sent in `session.update`; empty or -1 = not sent, the
 * service's default applies):
 *
 * - #GstAssemblyAIVoiceAgent:system-prompt, #GstAssemblyAIVoiceAgent:tools
 *   (JSON array), #GstAssemblyAIVoiceAgent:keyterms,
 *   #GstAssemblyAIVoiceAgent:output-volume (0..100),
 *   #GstAssemblyAIVoiceAgent:vad-threshold (0..1),
 *   #GstAssemblyAIVoiceAgent:min-silence, #GstAssemblyAIVoiceAgent:max-silence
 *   (ms), #GstAssemblyAIVoiceAgent:interrupt-response (sent once set):
 *   changeable while the session runs.
 * - #GstAssemblyAIVoiceAgent:greeting, #GstAssemblyAIVoiceAgent:voice,
 *   #GstAssemblyAIVoiceAgent:output-encoding (auto, pcm, pcmu, pcma),
 *   #GstAssemblyAIVoiceAgent:agent-id (a stored agent instead of all the
 *   above): fixed once the session is configured.
 *
 * The connection: #GstAssemblyAIVoiceAgent:url,
 * #GstAssemblyAIVoiceAgent:api-key and #GstAssemblyAIVoiceAgent:token
 * (write-only), #GstAssemblyAIVoiceAgent:token-url,
 * #GstAssemblyAIVoiceAgent:max-session-duration (for minted tokens),
 * #GstAssemblyAIVoiceAgent:proxy, #GstAssemblyAIVoiceAgent:tls-ca-file,
 * #GstAssemblyAIVoiceAgent:tls-strict,
 * #GstAssemblyAIVoiceAgent:connect-timeout (until `session.ready`),
 * #GstAssemblyAIVoiceAgent:reconnect-attempts,
 * #GstAssemblyAIVoiceAgent:reconnect-max-backoff.
 *
 * Behaviour: #GstAssemblyAIVoiceAgent:pace (hold non-live input to real
 * time), #GstAssemblyAIVoiceAgent:flush-on-barge-in,
 * #GstAssemblyAIVoiceAgent:end-timeout (ms at EOS). Read-only:
 * #GstAssemblyAIVoiceAgent:session-id, #GstAssemblyAIVoiceAgent:audio-sent
 * and #GstAssemblyAIVoiceAgent:audio-received (bytes of caller audio sent,
 * of agent speech received). `gst-inspect-1.0 assemblyaivoiceagent` gives
 * each one's range and default.
 *
 * ## Messages
 *
 * One element message per server event (all but `reply.audio`), named
 * `assemblyai/agent-<event>`. Every one has `running-time` (guint64: the
 * position on `src` when the element handled it; GST_CLOCK_TIME_NONE
 * before `src` started) and `raw` (string: the event's JSON). Their own
 * fields:
 *
 * - `assemblyai/agent-session-ready`: `session-id` (string), `resumed`
 *   (boolean: the same session after a reconnection)
 * - `assemblyai/agent-session-updated`: none
 * - `assemblyai/agent-session-error`: `code`, `message` (strings)
 * - `assemblyai/agent-session-ended`: none
 * - `assemblyai/agent-speech-started`, `assemblyai/agent-speech-stopped`:
 *   none (the caller started / stopped speaking)
 * - `assemblyai/agent-user-transcript-delta`: `text` (the caller so far)
 * - `assemblyai/agent-user-transcript`: `text`, `item-id`
 * - `assemblyai/agent-reply-started`: `reply-id`
 * - `assemblyai/agent-transcript`: `text`, `reply-id`, `item-id`,
 *   `interrupted` (boolean: cut off by the caller; `text` is what was said)
 * - `assemblyai/agent-reply-done`: `status` (`completed` or `interrupted`),
 *   `reply-id` (that of the reply-started it ends; "" if none was seen)
 * - `assemblyai/agent-tool-call`: `call-id`, `name`, `arguments` (JSON
 *   text)
 * - `assemblyai/agent-event`: `type` (an event this version does not know)
 *
 * For a conversation the order is: session-ready, then per caller turn
 * speech-started, user-transcript-delta..., speech-stopped,
 * user-transcript, reply-started, (tool-call,) transcript, reply-done, and
 * at the end session-ended.
 *
 * Warnings and errors carry an `assemblyai/error-details` structure:
 * `close-code`, `http-status` (ints), `reason` (the close reason or the
 * service's error text), `url` (redacted) and, when the service named
 * one, `code` (its error code, e.g. `invalid_voice`). No credentials:
 * RESOURCE/NOT_AUTHORIZED at once; a refused key or token:
 * RESOURCE/NOT_AUTHORIZED; a configuration the service refuses (an unknown
 * voice, say): RESOURCE/SETTINGS with its code; invalid properties:
 * LIBRARY/SETTINGS; attempts exhausted: RESOURCE/OPEN_READ_WRITE.
 *
 * ## Example launch lines
 * |[
 * gst-launch-1.0 filesrc location=caller.wav ! wavparse ! audioconvert ! \
 *     audioresample ! assemblyaivoiceagent flush-on-barge-in=false \
 *     system-prompt="You are a helpful assistant." ! wavenc ! \
 *     filesink location=agent.wav
 * ]| A conversation from a WAV of the caller's turns into a WAV of the
 * agent's answers on the same timeline (key from `ASSEMBLYAI_API_KEY`).
 * |[
 * gst-launch-1.0 pulsesrc ! audioconvert ! audioresample ! \
 *     assemblyaivoiceagent voice=claire greeting="Hi! How can I help?" ! \
 *     audioconvert ! pulsesink
 * ]| A live conversation through a microphone and a speaker (use headphones
 * or echo cancellation, e.g. `webrtcdsp`, so the agent does not hear
 * itself).
 * |[
 * gst-launch-1.0 udpsrc port=5004 ! \
 *     application/x-rtp,media=audio,encoding-name=PCMU,clock-rate=8000 ! \
 *     rtpjitterbuffer ! rtppcmudepay ! assemblyaivoiceagent ! \
 *     rtppcmupay ! udpsink host=192.0.2.10 port=5006
 * ]| A telephony leg over RTP: G.711 mu-law in and out at 8 kHz, no
 * resampling.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "gstassemblyaivoiceagent.h"

#include <gst/audio/audio.h>

#include <memory>
#include <mutex>

#include "core/config.h"
#include "gstassemblyaiagentdriver.h"
#include "gstassemblyaiagentmessages.h"
#include "gstassemblyaiagentoutput.h"
#include "gstassemblyaiagentprops.h"
#include "gstassemblyaipacer.h"
#include "gstassemblyaiprops.h"
#include "gstassemblyaitextoutput.h"

GST_DEBUG_CATEGORY_STATIC(gst_assemblyai_voice_agent_debug);
#define GST_CAT_DEFAULT gst_assemblyai_voice_agent_debug

#define AGENT_SINK_CAPS                                  \
  "audio/x-raw, format=(string)S16LE, rate=(int)24000, " \
  "channels=(int)1, layout=(string)interleaved; "        \
  "audio/x-mulaw, rate=(int)8000, channels=(int)1; "     \
  "audio/x-alaw, rate=(int)8000, channels=(int)1"
#define AGENT_CAPS_ADVICE                                                    \
  "The Voice Agent API takes mono S16LE at 24000 Hz, or mu-law or A-law at " \
  "8000 Hz. Put 'audioconvert ! audioresample' in front of the element."
#define TEXT_CAPS "text/x-raw, format=(string)utf8"

enum {
  SIGNAL_REQUEST_TOKEN,
  SIGNAL_TOOL_CALL,
  SIGNAL_TOOL_RESULT,
  SIGNAL_CREATE_REPLY,
  LAST_SIGNAL
};
static guint agent_signals[LAST_SIGNAL];

struct GstAssemblyAIVoiceAgentPrivate {
  explicit GstAssemblyAIVoiceAgentPrivate(GstElement *e) : pacer(e) {}

  GstPad *sinkpad = nullptr;
  GstPad *srcpad = nullptr;
  std::unique_ptr<aai::AgentOutput> output;
  std::unique_ptr<aai::AgentDriver> driver;
  aai::ClockPacer pacer;

  std::mutex lock; /* everything below */
  aai::AgentProps props;
  GstSegment segment;
  bool upstream_live = false;
  bool playing = false;
  bool conversation = false; /* started, with these formats */
  aai::AgentEncoding input = aai::AgentEncoding::Pcm;
  aai::AgentEncoding output_encoding = aai::AgentEncoding::Pcm;
  guint group_id = 0;
  GstPad *user_pad = nullptr, *agent_pad = nullptr;
  std::unique_ptr<aai::TextOutput> user_text, agent_text;
};

struct _GstAssemblyAIVoiceAgent {
  GstElement parent;
  GstAssemblyAIVoiceAgentPrivate *priv;
};

static GstStaticPadTemplate sink_template =
    GST_STATIC_PAD_TEMPLATE("sink",
                            GST_PAD_SINK,
                            GST_PAD_ALWAYS,
                            GST_STATIC_CAPS(AGENT_SINK_CAPS));
static GstStaticPadTemplate src_template =
    GST_STATIC_PAD_TEMPLATE("src",
                            GST_PAD_SRC,
                            GST_PAD_ALWAYS,
                            GST_STATIC_CAPS(AGENT_SINK_CAPS));
static GstStaticPadTemplate user_text_template =
    GST_STATIC_PAD_TEMPLATE("user_text_src",
                            GST_PAD_SRC,
                            GST_PAD_REQUEST,
                            GST_STATIC_CAPS(TEXT_CAPS));
static GstStaticPadTemplate agent_text_template =
    GST_STATIC_PAD_TEMPLATE("agent_text_src",
                            GST_PAD_SRC,
                            GST_PAD_REQUEST,
                            GST_STATIC_CAPS(TEXT_CAPS));

#define gst_assemblyai_voice_agent_parent_class parent_class
G_DEFINE_TYPE(GstAssemblyAIVoiceAgent,
              gst_assemblyai_voice_agent,
              GST_TYPE_ELEMENT);
GST_ELEMENT_REGISTER_DEFINE(assemblyaivoiceagent,
                            "assemblyaivoiceagent",
                            GST_RANK_NONE,
                            GST_TYPE_ASSEMBLYAI_VOICE_AGENT);

/* ---- application-facing work (the driver's worker thread) ---- */

static void queue_text(GstAssemblyAIVoiceAgentPrivate *p,
                       bool agent,
                       const std::string &text,
                       const aai::AgentTiming &t)
{
  std::lock_guard<std::mutex> l(p->lock);
  aai::TextOutput *out = agent ? p->agent_text.get() : p->user_text.get();
  if (!out)
    return;
  aai::TimedWord w;
  w.text = text;
  w.pts = GST_CLOCK_TIME_IS_VALID(t.text_pts) ? t.text_pts : 0;
  w.duration = t.text_duration;
  out->queue_word(w);
}

static void on_event(GstAssemblyAIVoiceAgent *self,
                     const aai::AgentAction &a,
                     const aai::AgentTiming &t)
{
  const aai::AgentEvent &ev = *a.event;
  gst_element_post_message(
      GST_ELEMENT(self),
      gst_message_new_element(
          GST_OBJECT(self),
          aai::agent_event_structure(ev, a.raw, a.resumed, t.running_time)));
  if (const auto *r = std::get_if<aai::AgentSessionReady>(&ev)) {
    GST_INFO_OBJECT(self, "session %s ready%s", r->session_id.c_str(),
                    a.resumed ? " (resumed)" : "");
    g_object_notify(G_OBJECT(self), "session-id");
  } else if (const auto *u = std::get_if<aai::AgentUserTranscript>(&ev)) {
    queue_text(self->priv, false, u->text, t);
  } else if (const auto *tr = std::get_if<aai::AgentTranscript>(&ev)) {
    queue_text(self->priv, true, tr->text, t);
  }
}

static std::optional<std::string> on_tool_call(GstAssemblyAIVoiceAgent *self,
                                               const aai::AgentToolCall &call)
{
  gchar *result = nullptr;
  g_signal_emit(self, agent_signals[SIGNAL_TOOL_CALL], 0, call.call_id.c_str(),
                call.name.c_str(), call.arguments.c_str(), &result);
  if (!result)
    return std::nullopt;
  std::string out = result;
  g_free(result);
  return out;
}

static void on_problem(GstAssemblyAIVoiceAgent *self,
                       const aai::AgentProblem &p,
                       bool fatal)
{
  GQuark domain;
  gint code;
  aai::agent_problem_domain(p, &domain, &code);
  gst_element_message_full_with_details(
      GST_ELEMENT(self), fatal ? GST_MESSAGE_ERROR : GST_MESSAGE_WARNING,
      domain, code, g_strdup(p.summary.c_str()), g_strdup(p.detail.c_str()),
      __FILE__, GST_FUNCTION, __LINE__,
      aai::agent_problem_details(p, self->priv->driver->display_url()));
}

/* ---- starting the conversation ---- */

/* Checks the properties before anything connects (READY->PAUSED). */
static bool check_settings(GstAssemblyAIVoiceAgent *self)
{
  aai::AgentProps props;
  {
    std::lock_guard<std::mutex> l(self->priv->lock);
    props = self->priv->props;
  }
  bool key = !props.effective_api_key().empty();
  bool handler = g_signal_has_handler_pending(
      self, agent_signals[SIGNAL_REQUEST_TOKEN], 0, FALSE);
  if (props.token.empty() && !key && props.token_url.empty() && !handler) {
    GST_ELEMENT_ERROR(
        self, RESOURCE, NOT_AUTHORIZED, ("No AssemblyAI credentials."),
        ("Set the api-key property or the " ASSEMBLYAI_API_KEY_ENV
         " environment variable, set token to a temporary token, set "
         "token-url, or handle the request-token signal."));
    return false;
  }
  if (!props.token_url.empty() && !key && !handler) {
    GST_ELEMENT_ERROR(self, RESOURCE, NOT_AUTHORIZED,
                      ("No key for the token endpoint."),
                      ("token-url mints temporary tokens with an API key: set "
                       "api-key or " ASSEMBLYAI_API_KEY_ENV "."));
    return false;
  }
  std::string problem = aai::validate_agent_config(props.config);
  if (!problem.empty()) {
    GST_ELEMENT_ERROR(self, LIBRARY, SETTINGS, ("Invalid agent settings."),
                      ("%s", problem.c_str()));
    return false;
  }
  if (aai::agent_url(props.url, "", &problem).empty()) {
    GST_ELEMENT_ERROR(self, RESOURCE, NOT_FOUND, ("Invalid url."),
                      ("%s", problem.c_str()));
    return false;
  }
  problem = aai::validate_proxy(props.proxy);
  if (!problem.empty()) {
    GST_ELEMENT_ERROR(self, RESOURCE, SETTINGS, ("Invalid proxy."),
                      ("%s Set the proxy property to http://host:port or "
                       "socks5://host:port, or leave it empty.",
                       problem.c_str()));
    return false;
  }
  if (!props.tls_ca_file.empty() &&
      !aai::check_ca_file(props.tls_ca_file, &problem)) {
    GST_ELEMENT_ERROR(self, RESOURCE, OPEN_READ,
                      ("Cannot use the tls-ca-file."), ("%s", problem.c_str()));
    return false;
  }
  if (!props.tls_strict)
    GST_ELEMENT_WARNING(self, RESOURCE, SETTINGS,
                        ("TLS certificate checks are off (tls-strict=false)."),
                        ("Any server certificate is accepted, so the "
                         "connection can be intercepted: for testing only."));
  return true;
}

/* The output format: the property, else the first the downstream caps
 * prefer. */
static aai::AgentEncoding choose_output(GstAssemblyAIVoiceAgent *self,
                                        aai::OutputChoice choice)
{
  switch (choice) {
    case aai::OutputChoice::Pcm:
      return aai::AgentEncoding::Pcm;
    case aai::OutputChoice::Pcmu:
      return aai::AgentEncoding::Pcmu;
    case aai::OutputChoice::Pcma:
      return aai::AgentEncoding::Pcma;
    case aai::OutputChoice::Auto:
      break;
  }
  GstCaps *tmpl = gst_pad_get_pad_template_caps(self->priv->srcpad);
  GstCaps *peer = gst_pad_peer_query_caps(self->priv->srcpad, tmpl);
  gst_caps_unref(tmpl);
  aai::AgentEncoding e = aai::AgentEncoding::Pcm;
  if (peer && !gst_caps_is_empty(peer) && !gst_caps_is_any(peer)) {
    const GstStructure *s = gst_caps_get_structure(peer, 0);
    if (gst_structure_has_name(s, "audio/x-mulaw"))
      e = aai::AgentEncoding::Pcmu;
    else if (gst_structure_has_name(s, "audio/x-alaw"))
      e = aai::AgentEncoding::Pcma;
  }
  if (peer)
    gst_caps_unref(peer);
  return e;
}

static bool input_encoding(GstCaps *caps, aai::AgentEncoding *e)
{
  const GstStructure *s = gst_caps_get_structure(caps, 0);
  if (gst_structure_has_name(s, "audio/x-mulaw"))
    *e = aai::AgentEncoding::Pcmu;
  else if (gst_structure_has_name(s, "audio/x-alaw"))
    *e = aai::AgentEncoding::Pcma;
  else if (gst_structure_has_name(s, "audio/x-raw"))
    *e = aai::AgentEncoding::Pcm;
  else
    return false;
  return true;
}

static void begin_text(aai::TextOutput *out,
                       GstElement *element,
                       const char *name,
                       guint group)
{
  gchar *id = gst_pad_create_stream_id(out->pad(), element, name);
  GstEvent *ss = gst_event_new_stream_start(id);
  g_free(id);
  gst_event_set_group_id(ss, group);
  GstCaps *caps = gst_caps_from_string(TEXT_CAPS);
  GstSegment seg;
  gst_segment_init(&seg, GST_FORMAT_TIME);
  out->queue_events(
      {ss, gst_event_new_caps(caps), gst_event_new_segment(&seg)});
  gst_caps_unref(caps);
}

static void query_upstream_live(GstAssemblyAIVoiceAgent *self)
{
  GstQuery *q = gst_query_new_latency();
  gboolean live = FALSE;
  if (gst_pad_peer_query(self->priv->sinkpad, q))
    gst_query_parse_latency(q, &live, nullptr, nullptr);
  gst_query_unref(q);
  std::lock_guard<std::mutex> l(self->priv->lock);
  self->priv->upstream_live = live;
}

/* The first caps start the conversation. */
static gboolean handle_caps(GstAssemblyAIVoiceAgent *self, GstCaps *caps)
{
  auto *p = self->priv;
  aai::AgentEncoding in;
  if (!input_encoding(caps, &in))
    return FALSE;
  bool started;
  aai::AgentEncoding told;
  {
    std::lock_guard<std::mutex> l(p->lock);
    started = p->conversation;
    told = p->input;
  }
  /* Posted with no lock held: a sync bus handler may read properties. */
  if (started) {
    if (in == told)
      return TRUE;
    GST_ELEMENT_ERROR(self, STREAM, FORMAT,
                      ("The caller's audio format changed."),
                      ("The input format is fixed for a conversation (the "
                       "service was told %s); keep the caps or restart "
                       "the pipeline.",
                       aai::agent_encoding_name(told)));
    return FALSE;
  }
  query_upstream_live(self);
  aai::AgentProps props;
  {
    std::lock_guard<std::mutex> l(p->lock);
    props = p->props;
  }
  aai::AgentConfig cfg = props.config;
  cfg.input = in;
  cfg.output = choose_output(self, props.output);
  gchar *id = gst_pad_create_stream_id(p->srcpad, GST_ELEMENT(self), "agent");
  guint group;
  {
    std::lock_guard<std::mutex> l(p->lock);
    p->conversation = true;
    p->input = in;
    p->output_encoding = cfg.output;
    group = p->group_id;
    if (p->user_text)
      begin_text(p->user_text.get(), GST_ELEMENT(self), "user", group);
    if (p->agent_text)
      begin_text(p->agent_text.get(), GST_ELEMENT(self), "agent-text", group);
  }
  p->output->begin(cfg.output, id, group, props.flush_on_barge_in);
  g_free(id);
  GST_INFO_OBJECT(self, "starting a conversation: caller %s, agent %s",
                  aai::agent_encoding_name(in),
                  aai::agent_encoding_name(cfg.output));
  p->driver->begin(cfg, props.connect_settings());
  return TRUE;
}

/* ---- sink pad ---- */

static GstFlowReturn gst_assemblyai_voice_agent_chain(GstPad *,
                                                      GstObject *parent,
                                                      GstBuffer *buf)
{
  auto *self = GST_ASSEMBLYAI_VOICE_AGENT(parent);
  auto *p = self->priv;
  GstSegment seg;
  bool pace, live;
  aai::AgentEncoding in;
  bool started;
  {
    std::lock_guard<std::mutex> l(p->lock);
    started = p->conversation;
    gst_segment_copy_into(&p->segment, &seg);
    live = p->upstream_live;
    pace = p->props.pace && !live;
    in = p->input;
  }
  /* Posted with no lock held: a sync bus handler may read properties. */
  if (!started) {
    gst_buffer_unref(buf);
    GST_ELEMENT_ERROR(self, CORE, NEGOTIATION, ("No caps before audio."),
                      ("Audio arrived before its format was known."));
    return GST_FLOW_NOT_NEGOTIATED;
  }
  const int rate = aai::agent_encoding_rate(in);
  const int bps = aai::agent_encoding_bytes_per_sample(in);
  buf = gst_audio_buffer_clip(buf, &seg, rate, bps);
  if (!buf)
    return GST_FLOW_OK; /* outside the segment */
  if (pace) {
    GstFlowReturn ret = p->pacer.wait(gst_segment_to_running_time(
        &seg, GST_FORMAT_TIME, GST_BUFFER_PTS(buf)));
    if (ret != GST_FLOW_OK) {
      gst_buffer_unref(buf);
      return ret;
    }
  }
  GstMapInfo map;
  if (!gst_buffer_map(buf, &map, GST_MAP_READ)) {
    gst_buffer_unref(buf);
    GST_ELEMENT_ERROR(self, RESOURCE, READ, (nullptr),
                      ("Could not map an audio buffer."));
    return GST_FLOW_ERROR;
  }
  /* Non-live input waits for the session rather than lose audio. */
  bool ok = p->driver->push_audio(map.data, map.size, !live);
  gst_buffer_unmap(buf, &map);
  gst_buffer_unref(buf);
  return ok ? GST_FLOW_OK : GST_FLOW_ERROR;
}

static void for_each_text(GstAssemblyAIVoiceAgentPrivate *p,
                          const std::function<void(aai::TextOutput &)> &fn)
{
  std::vector<aai::TextOutput *> outs;
  {
    std::lock_guard<std::mutex> l(p->lock);
    if (p->user_text)
      outs.push_back(p->user_text.get());
    if (p->agent_text)
      outs.push_back(p->agent_text.get());
  }
  for (aai::TextOutput *o : outs)
    fn(*o);
}

static gboolean handle_eos(GstAssemblyAIVoiceAgent *self)
{
  auto *p = self->priv;
  unsigned timeout;
  bool conversation;
  {
    std::lock_guard<std::mutex> l(p->lock);
    timeout = p->props.end_timeout_ms;
    conversation = p->conversation;
  }
  if (conversation) {
    p->driver->finish(timeout);
  } else {
    /* Never started: the output still needs its stream before EOS. */
    gchar *id = gst_pad_create_stream_id(p->srcpad, GST_ELEMENT(self), "agent");
    p->output->begin(aai::AgentEncoding::Pcm, id, gst_util_group_id_next(),
                     false);
    g_free(id);
  }
  for_each_text(p,
                [](aai::TextOutput &o) { o.queue_event(gst_event_new_eos()); });
  p->output->queue_eos();
  p->output->wait_eos_pushed();
  for_each_text(p, [](aai::TextOutput &o) { o.wait_eos_pushed(); });
  return TRUE;
}

static gboolean gst_assemblyai_voice_agent_sink_event(GstPad *pad,
                                                      GstObject *parent,
                                                      GstEvent *event)
{
  auto *self = GST_ASSEMBLYAI_VOICE_AGENT(parent);
  auto *p = self->priv;
  switch (GST_EVENT_TYPE(event)) {
    case GST_EVENT_STREAM_START: {
      guint group = 0;
      if (!gst_event_parse_group_id(event, &group))
        group = gst_util_group_id_next();
      std::lock_guard<std::mutex> l(p->lock);
      p->group_id = group;
      break;
    }
    case GST_EVENT_CAPS: {
      GstCaps *caps;
      gst_event_parse_caps(event, &caps);
      gboolean ok = handle_caps(self, caps);
      gst_event_unref(event);
      return ok;
    }
    case GST_EVENT_SEGMENT: {
      const GstSegment *seg;
      gst_event_parse_segment(event, &seg);
      if (seg->format != GST_FORMAT_TIME) {
        GST_ELEMENT_ERROR(self, STREAM, FORMAT, ("Audio without timestamps."),
                          ("Got a %s segment; put a parser such as wavparse "
                           "upstream.",
                           gst_format_get_name(seg->format)));
        gst_event_unref(event);
        return FALSE;
      }
      std::lock_guard<std::mutex> l(p->lock);
      gst_segment_copy_into(seg, &p->segment);
      break;
    }
    case GST_EVENT_EOS:
      gst_event_unref(event);
      return handle_eos(self);
    case GST_EVENT_FLUSH_START: {
      /* A seek in the caller's audio: the conversation goes on. */
      bool playing;
      {
        std::lock_guard<std::mutex> l(p->lock);
        playing = p->playing;
      }
      p->pacer.set_state(playing, true);
      p->driver->set_flushing(true);
      break;
    }
    case GST_EVENT_FLUSH_STOP: {
      bool playing;
      {
        std::lock_guard<std::mutex> l(p->lock);
        playing = p->playing;
      }
      p->pacer.set_state(playing, false);
      p->driver->set_flushing(false);
      break;
    }
    default:
      break;
  }
  /* The caller's events do not describe the agent's output. */
  (void)pad;
  gst_event_unref(event);
  return TRUE;
}

static void answer_caps(GstPad *pad, GstQuery *query, GstCaps *caps)
{
  GstCaps *filter;
  gst_query_parse_caps(query, &filter);
  GstCaps *res =
      filter ? gst_caps_intersect_full(filter, caps, GST_CAPS_INTERSECT_FIRST)
             : gst_caps_ref(caps);
  gst_query_set_caps_result(query, res);
  gst_caps_unref(res);
  (void)pad;
}

static gboolean gst_assemblyai_voice_agent_sink_query(GstPad *pad,
                                                      GstObject *parent,
                                                      GstQuery *query)
{
  switch (GST_QUERY_TYPE(query)) {
    case GST_QUERY_CAPS: {
      GstCaps *tmpl = gst_pad_get_pad_template_caps(pad);
      answer_caps(pad, query, tmpl);
      gst_caps_unref(tmpl);
      return TRUE;
    }
    case GST_QUERY_ACCEPT_CAPS: {
      GstCaps *caps, *tmpl = gst_pad_get_pad_template_caps(pad);
      gst_query_parse_accept_caps(query, &caps);
      gboolean ok = gst_caps_is_subset(caps, tmpl);
      gst_query_set_accept_caps_result(query, ok);
      gst_caps_unref(tmpl);
      if (!ok && gst_caps_is_fixed(caps)) {
        gchar *str = gst_caps_to_string(caps);
        GST_ELEMENT_WARNING(parent, CORE, NEGOTIATION,
                            ("Unsupported audio format: %s", str),
                            (AGENT_CAPS_ADVICE));
        g_free(str);
      }
      return TRUE;
    }
    default:
      return gst_pad_query_default(pad, parent, query);
  }
}

/* ---- src pads ---- */

static gboolean gst_assemblyai_voice_agent_src_query(GstPad *pad,
                                                     GstObject *parent,
                                                     GstQuery *query)
{
  switch (GST_QUERY_TYPE(query)) {
    case GST_QUERY_LATENCY:
      /* A live source of its own: one chunk, whatever upstream does. */
      gst_query_set_latency(query, TRUE, aai::AgentOutput::kChunk,
                            GST_CLOCK_TIME_NONE);
      return TRUE;
    case GST_QUERY_CAPS: {
      GstCaps *caps = gst_pad_get_current_caps(pad);
      auto *self = GST_ASSEMBLYAI_VOICE_AGENT(parent);
      if (!caps && pad == self->priv->srcpad) {
        /* Before the conversation: the one format output-encoding fixes,
         * so that downstream does not pick another and fail at once. */
        aai::OutputChoice choice;
        {
          std::lock_guard<std::mutex> l(self->priv->lock);
          choice = self->priv->props.output;
        }
        if (choice != aai::OutputChoice::Auto)
          caps = aai::AgentOutput::caps_for(choose_output(self, choice));
      }
      if (!caps)
        caps = gst_pad_get_pad_template_caps(pad);
      answer_caps(pad, query, caps);
      gst_caps_unref(caps);
      return TRUE;
    }
    default:
      return gst_pad_query_default(pad, parent, query);
  }
}

static gboolean gst_assemblyai_voice_agent_src_activate(GstPad *pad,
                                                        GstObject *parent,
                                                        GstPadMode mode,
                                                        gboolean active)
{
  auto *p = GST_ASSEMBLYAI_VOICE_AGENT(parent)->priv;
  if (mode != GST_PAD_MODE_PUSH)
    return FALSE;
  if (pad == p->srcpad)
    return p->output->set_active(active);
  aai::TextOutput *out = nullptr;
  {
    std::lock_guard<std::mutex> l(p->lock);
    out = pad == p->user_pad ? p->user_text.get() : p->agent_text.get();
  }
  return out ? out->set_active(active) : FALSE;
}

static GstPad *gst_assemblyai_voice_agent_request_new_pad(GstElement *element,
                                                          GstPadTemplate *templ,
                                                          const gchar *,
                                                          const GstCaps *)
{
  auto *self = GST_ASSEMBLYAI_VOICE_AGENT(element);
  auto *p = self->priv;
  const gchar *name = GST_PAD_TEMPLATE_NAME_TEMPLATE(templ);
  bool user = g_str_equal(name, "user_text_src");
  GstPad *pad;
  {
    std::lock_guard<std::mutex> l(p->lock);
    if (user ? p->user_pad != nullptr : p->agent_pad != nullptr)
      return nullptr; /* one of each */
    pad = gst_pad_new_from_template(templ, name);
    gst_pad_set_activatemode_function(
        pad, GST_DEBUG_FUNCPTR(gst_assemblyai_voice_agent_src_activate));
    gst_pad_set_query_function(
        pad, GST_DEBUG_FUNCPTR(gst_assemblyai_voice_agent_src_query));
    gst_pad_use_fixed_caps(pad);
    auto out = std::make_unique<aai::TextOutput>(element, pad,
                                                 aai::TextOutput::Kind::Words);
    /* Text only when there is some: no GAPs (a transcript's time can be
     * behind the clock when it arrives, as the agent's is). */
    out->set_timing(aai::OutputTiming());
    if (p->conversation)
      begin_text(out.get(), element, user ? "user" : "agent-text", p->group_id);
    (user ? p->user_text : p->agent_text) = std::move(out);
    (user ? p->user_pad : p->agent_pad) = pad;
  }
  gst_element_add_pad(element, pad);
  return pad;
}

static void gst_assemblyai_voice_agent_release_pad(GstElement *element,
                                                   GstPad *pad)
{
  auto *p = GST_ASSEMBLYAI_VOICE_AGENT(element)->priv;
  /* Deactivates the pad (its task stops) through the activate function. */
  gst_object_ref(pad);
  gst_element_remove_pad(element, pad);
  {
    std::lock_guard<std::mutex> l(p->lock);
    if (pad == p->user_pad) {
      p->user_pad = nullptr;
      p->user_text.reset();
    } else if (pad == p->agent_pad) {
      p->agent_pad = nullptr;
      p->agent_text.reset();
    }
  }
  gst_object_unref(pad);
}

/* ---- signals ---- */

static gboolean gst_assemblyai_voice_agent_tool_result(
    GstAssemblyAIVoiceAgent *self,
    const gchar *call_id,
    const gchar *result)
{
  if (!call_id || !result)
    return FALSE;
  return self->priv->driver->tool_result(call_id, result);
}

static void gst_assemblyai_voice_agent_create_reply(
    GstAssemblyAIVoiceAgent *self,
    const gchar *instructions)
{
  self->priv->driver->create_reply(
      instructions ? std::optional<std::string>(instructions) : std::nullopt);
}

/* ---- properties ---- */

/* A change to the session while it runs: changeable fields go out as a
 * session.update; fixed ones are refused (false) with a warning. */
static bool apply_live(GstAssemblyAIVoiceAgent *self,
                       const aai::AgentProps &wanted,
                       GParamSpec *pspec)
{
  auto *p = self->priv;
  aai::AgentConfig cfg = wanted.config;
  {
    std::lock_guard<std::mutex> l(p->lock);
    cfg.input = p->input;
    cfg.output = p->output_encoding;
  }
  std::string why;
  if (pspec->param_id == aai::PROP_AGENT_OUTPUT_ENCODING)
    why =
        "The output format is chosen when the conversation starts and "
        "the service cannot change it (output.format)";
  else
    why = aai::validate_agent_config(cfg);
  if (why.empty()) {
    /* The machine knows whether the session is configured yet. */
    std::vector<std::string> fixed = p->driver->change_config(cfg);
    if (!fixed.empty())
      why =
          "greeting, voice, output-encoding and agent-id are fixed once "
          "the session is configured (the service would refuse the change "
          "with immutable_field)";
  }
  if (why.empty())
    return true;
  GST_ELEMENT_WARNING_WITH_DETAILS(
      self, LIBRARY, SETTINGS,
      ("%s cannot change now; the change was refused.", pspec->name),
      ("%s. %s keeps its value for this conversation.", why.c_str(),
       pspec->name),
      ("property", G_TYPE_STRING, pspec->name, nullptr));
  return false;
}

static void gst_assemblyai_voice_agent_set_property(GObject *object,
                                                    guint prop_id,
                                                    const GValue *value,
                                                    GParamSpec *pspec)
{
  auto *self = GST_ASSEMBLYAI_VOICE_AGENT(object);
  auto *p = self->priv;
  aai::AgentProps wanted;
  bool live;
  {
    std::lock_guard<std::mutex> l(p->lock);
    wanted = p->props;
    live = p->conversation;
  }
  if (!aai::set_agent_property(wanted, prop_id, value)) {
    G_OBJECT_WARN_INVALID_PROPERTY_ID(object, prop_id, pspec);
    return;
  }
  aai::PropClass cls = aai::agent_prop_class(prop_id);
  bool session =
      cls == aai::PropClass::Fixed || cls == aai::PropClass::Changeable;
  if (live && session && !apply_live(self, wanted, pspec))
    return;
  if (prop_id == aai::PROP_AGENT_FLUSH_ON_BARGE_IN)
    p->output->set_flush_on_cut(wanted.flush_on_barge_in);
  std::lock_guard<std::mutex> l(p->lock);
  aai::set_agent_property(p->props, prop_id, value);
}

static void gst_assemblyai_voice_agent_get_property(GObject *object,
                                                    guint prop_id,
                                                    GValue *value,
                                                    GParamSpec *pspec)
{
  auto *p = GST_ASSEMBLYAI_VOICE_AGENT(object)->priv;
  switch (prop_id) {
    case aai::PROP_AGENT_SESSION_ID: {
      std::string id = p->driver->session_id();
      g_value_set_string(value, id.empty() ? nullptr : id.c_str());
      return;
    }
    case aai::PROP_AGENT_AUDIO_SENT:
      g_value_set_uint64(value, p->driver->audio_sent());
      return;
    case aai::PROP_AGENT_AUDIO_RECEIVED:
      g_value_set_uint64(value, p->driver->agent_audio_received());
      return;
    default:
      break;
  }
  std::lock_guard<std::mutex> l(p->lock);
  if (!aai::get_agent_property(p->props, prop_id, value))
    G_OBJECT_WARN_INVALID_PROPERTY_ID(object, prop_id, pspec);
}

/* ---- element ---- */

static void set_playing(GstAssemblyAIVoiceAgentPrivate *p,
                        bool playing,
                        bool flushing)
{
  {
    std::lock_guard<std::mutex> l(p->lock);
    p->playing = playing;
  }
  p->pacer.set_state(playing, flushing);
  p->output->set_playing(playing);
}

static GstStateChangeReturn gst_assemblyai_voice_agent_change_state(
    GstElement *element,
    GstStateChange transition)
{
  auto *self = GST_ASSEMBLYAI_VOICE_AGENT(element);
  auto *p = self->priv;
  switch (transition) {
    case GST_STATE_CHANGE_NULL_TO_READY:
      p->driver->open();
      break;
    case GST_STATE_CHANGE_READY_TO_PAUSED:
      if (!check_settings(self))
        return GST_STATE_CHANGE_FAILURE;
      {
        std::lock_guard<std::mutex> l(p->lock);
        p->conversation = false;
        gst_segment_init(&p->segment, GST_FORMAT_TIME);
      }
      set_playing(p, false, false);
      p->driver->activate();
      break;
    case GST_STATE_CHANGE_PAUSED_TO_PLAYING:
      set_playing(p, true, false);
      break;
    case GST_STATE_CHANGE_PAUSED_TO_READY:
      /* Unblock the streaming thread (pacing, the EOS waits) first: the
       * pads' deactivation waits for it. */
      set_playing(p, false, true);
      p->driver->deactivate();
      p->output->unblock();
      for_each_text(p, [](aai::TextOutput &o) { o.set_active(false); });
      break;
    default:
      break;
  }
  GstStateChangeReturn ret =
      GST_ELEMENT_CLASS(parent_class)->change_state(element, transition);
  if (ret == GST_STATE_CHANGE_FAILURE)
    return ret;
  switch (transition) {
    case GST_STATE_CHANGE_PLAYING_TO_PAUSED:
      set_playing(p, false, false);
      ret = GST_STATE_CHANGE_NO_PREROLL;
      break;
    case GST_STATE_CHANGE_READY_TO_PAUSED:
      /* A live source of the agent's speech: nothing to preroll. */
      ret = GST_STATE_CHANGE_NO_PREROLL;
      break;
    case GST_STATE_CHANGE_PAUSED_TO_READY: {
      std::lock_guard<std::mutex> l(p->lock);
      p->conversation = false;
      break;
    }
    case GST_STATE_CHANGE_READY_TO_NULL:
      p->driver->close();
      break;
    default:
      break;
  }
  return ret;
}

static void gst_assemblyai_voice_agent_finalize(GObject *object)
{
  auto *self = GST_ASSEMBLYAI_VOICE_AGENT(object);
  delete self->priv;
  G_OBJECT_CLASS(parent_class)->finalize(object);
}

static void gst_assemblyai_voice_agent_class_init(
    GstAssemblyAIVoiceAgentClass *klass)
{
  GObjectClass *gobject_class = G_OBJECT_CLASS(klass);
  GstElementClass *element_class = GST_ELEMENT_CLASS(klass);

  gobject_class->set_property = gst_assemblyai_voice_agent_set_property;
  gobject_class->get_property = gst_assemblyai_voice_agent_get_property;
  gobject_class->finalize = gst_assemblyai_voice_agent_finalize;
  aai::install_agent_properties(gobject_class);

  /**
   * GstAssemblyAIVoiceAgent::request-token:
   *
   * Emitted before every connection (the first and each reconnection) when
   * a handler is connected; the handler returns a fresh single-use
   * temporary token (a newly allocated string), minted wherever the
   * application keeps its key. It runs on a thread of its own and may
   * block. Returning %NULL is an error (RESOURCE/NOT_AUTHORIZED).
   *
   * Returns: (transfer full) (nullable): the token
   */
  agent_signals[SIGNAL_REQUEST_TOKEN] = g_signal_new(
      "request-token", G_TYPE_FROM_CLASS(klass), G_SIGNAL_RUN_LAST, 0,
      g_signal_accumulator_first_wins, nullptr, nullptr, G_TYPE_STRING, 0);

  /**
   * GstAssemblyAIVoiceAgent::tool-call:
   * @agent: the element
   * @call_id: the call's id
   * @name: the tool's name (from #GstAssemblyAIVoiceAgent:tools)
   * @arguments: the arguments, JSON text (an object)
   *
   * The agent calls a tool. Emitted on the element's worker thread (the
   * bus messages wait while it runs, the audio does not). Return the
   * result (any string; JSON text is common), or %NULL to answer later
   * with #GstAssemblyAIVoiceAgent::tool-result. The element sends it after
   * the reply that asked for it is done.
   *
   * Returns: (transfer full) (nullable): the result
   */
  agent_signals[SIGNAL_TOOL_CALL] = g_signal_new(
      "tool-call", G_TYPE_FROM_CLASS(klass), G_SIGNAL_RUN_LAST, 0,
      g_signal_accumulator_first_wins, nullptr, nullptr, G_TYPE_STRING, 3,
      G_TYPE_STRING, G_TYPE_STRING, G_TYPE_STRING);

  /**
   * GstAssemblyAIVoiceAgent::tool-result:
   * @agent: the element
   * @call_id: the id from #GstAssemblyAIVoiceAgent::tool-call
   * @result: the result
   *
   * Action signal: the result of a tool call answered later (from any
   * thread). Sent after the reply that asked for it is done.
   *
   * Returns: %FALSE if no call with that id waits for a result (unknown,
   * answered already, or its reply was interrupted)
   */
  agent_signals[SIGNAL_TOOL_RESULT] = g_signal_new_class_handler(
      "tool-result", G_TYPE_FROM_CLASS(klass),
      static_cast<GSignalFlags>(G_SIGNAL_RUN_LAST | G_SIGNAL_ACTION),
      G_CALLBACK(gst_assemblyai_voice_agent_tool_result), nullptr, nullptr,
      nullptr, G_TYPE_BOOLEAN, 2, G_TYPE_STRING, G_TYPE_STRING);

  /**
   * GstAssemblyAIVoiceAgent::create-reply:
   * @agent: the element
   * @instructions: (nullable): what to say or do, or %NULL
   *
   * Action signal: asks the agent to speak now (`reply.create`), e.g. to
   * prompt a silent caller.
   */
  agent_signals[SIGNAL_CREATE_REPLY] = g_signal_new_class_handler(
      "create-reply", G_TYPE_FROM_CLASS(klass),
      static_cast<GSignalFlags>(G_SIGNAL_RUN_LAST | G_SIGNAL_ACTION),
      G_CALLBACK(gst_assemblyai_voice_agent_create_reply), nullptr, nullptr,
      nullptr, G_TYPE_NONE, 1, G_TYPE_STRING);

  gst_element_class_add_static_pad_template(element_class, &sink_template);
  gst_element_class_add_static_pad_template(element_class, &src_template);
  gst_element_class_add_static_pad_template(element_class, &user_text_template);
  gst_element_class_add_static_pad_template(element_class,
                                            &agent_text_template);
  gst_element_class_set_static_metadata(
      element_class, "AssemblyAI voice agent", "Audio/Filter/Network",
      "Holds a spoken conversation with an AssemblyAI voice agent: caller "
      "audio in, agent speech out, events on the bus, tool calls as a signal",
      "gst-assemblyai contributors");
  element_class->change_state =
      GST_DEBUG_FUNCPTR(gst_assemblyai_voice_agent_change_state);
  element_class->request_new_pad =
      GST_DEBUG_FUNCPTR(gst_assemblyai_voice_agent_request_new_pad);
  element_class->release_pad =
      GST_DEBUG_FUNCPTR(gst_assemblyai_voice_agent_release_pad);

  GST_DEBUG_CATEGORY_INIT(gst_assemblyai_voice_agent_debug,
                          "assemblyaivoiceagent", 0, "AssemblyAI voice agent");
}

static void gst_assemblyai_voice_agent_init(GstAssemblyAIVoiceAgent *self)
{
  auto *p = new GstAssemblyAIVoiceAgentPrivate(GST_ELEMENT(self));
  self->priv = p;
  gst_segment_init(&p->segment, GST_FORMAT_TIME);

  p->sinkpad = gst_pad_new_from_static_template(&sink_template, "sink");
  gst_pad_set_chain_function(
      p->sinkpad, GST_DEBUG_FUNCPTR(gst_assemblyai_voice_agent_chain));
  gst_pad_set_event_function(
      p->sinkpad, GST_DEBUG_FUNCPTR(gst_assemblyai_voice_agent_sink_event));
  gst_pad_set_query_function(
      p->sinkpad, GST_DEBUG_FUNCPTR(gst_assemblyai_voice_agent_sink_query));
  gst_element_add_pad(GST_ELEMENT(self), p->sinkpad);

  p->srcpad = gst_pad_new_from_static_template(&src_template, "src");
  gst_pad_set_activatemode_function(
      p->srcpad, GST_DEBUG_FUNCPTR(gst_assemblyai_voice_agent_src_activate));
  gst_pad_set_query_function(
      p->srcpad, GST_DEBUG_FUNCPTR(gst_assemblyai_voice_agent_src_query));
  gst_pad_use_fixed_caps(p->srcpad);
  gst_element_add_pad(GST_ELEMENT(self), p->srcpad);

  p->output = std::make_unique<aai::AgentOutput>(GST_ELEMENT(self), p->srcpad);
  aai::AgentDriver::Hooks hooks;
  hooks.event = [self](const aai::AgentAction &a, const aai::AgentTiming &t) {
    on_event(self, a, t);
  };
  hooks.tool_call = [self](const aai::AgentToolCall &c) {
    return on_tool_call(self, c);
  };
  hooks.problem = [self](const aai::AgentProblem &pr, bool fatal) {
    on_problem(self, pr, fatal);
  };
  p->driver = std::make_unique<aai::AgentDriver>(
      GST_ELEMENT(self), p->output.get(), hooks,
      agent_signals[SIGNAL_REQUEST_TOKEN]);
}
