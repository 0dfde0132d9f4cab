/* gst-assemblyai
 * Copyright (C) 2026 gst-assemblyai contributors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
/**
 * SECTION:element-assemblyaisink
 * @title: assemblyaisink
 *
 * Streams audio to AssemblyAI's real-time speech-to-text service
 * (Universal-Streaming, API v3) over a WebSocket and posts every result on
 * the bus as an element message. Use it when an application only needs the
 * transcript; `assemblyaitranscriber` also outputs timed text.
 *
 * The element connects as soon as the stream format is known (audio that
 * arrives before the session has begun is kept and sent after it), sends
 * frames of exactly #GstAssemblyAISink:chunk-duration, and at EOS sends the
 * last frame and Terminate and waits (up to
 * #GstAssemblyAISink:terminate-timeout) for the last turns and the
 * Termination before it lets EOS through: the EOS message always comes
 * after the last `assemblyai/turn`. If the connection is down at that
 * moment, EOS first waits for the reconnection (or for the attempts to run
 * out), so the end of the audio is transcribed too. `sync` is TRUE, so a file
 * is streamed in real time, as the service expects.
 *
 * ## Example launch lines
 * |[
 * gst-launch-1.0 -m filesrc location=speech.wav ! wavparse ! audioconvert ! \
 *     audioresample ! assemblyaisink api-key=$ASSEMBLYAI_API_KEY
 * ]| Transcribes a WAV file; `-m` prints every `assemblyai/turn` message.
 * |[
 * gst-launch-1.0 -m pulsesrc ! audioconvert ! audioresample ! \
 *     assemblyaisink speech-model=universal-streaming-multilingual \
 *     language-detection=true post-partials=false
 * ]| Live microphone, final turns only, with the detected language
 * (the key comes from `ASSEMBLYAI_API_KEY`).
 * |[
 * gst-launch-1.0 -m srtsrc uri=srt://:7001 ! tsdemux ! aacparse ! avdec_aac ! \
 *     audioconvert ! audioresample ! assemblyaisink reconnect-attempts=-1 \
 *     token-url=https://streaming.assemblyai.com/v3/token
 * ]| A 24/7 channel: reconnects forever, and mints a fresh temporary token
 * for every session (the key itself never reaches the WebSocket).
 * |[
 * gst-launch-1.0 -m filesrc location=speech.wav ! wavparse ! audioconvert ! \
 *     audioresample ! assemblyaisink auth-scheme=bearer \
 *     url=wss://keypool.example.com/v1/assemblyai/v3/ws
 * ]| Through a KeyPool proxy, with the team token in `ASSEMBLYAI_API_KEY`.
 *
 * ## Never dropping a word
 *
 * One stream of audio may be carried by several sessions in turn. When the
 * connection drops, the service closes with a retryable code (1006, 3005,
 * 3008, 1011; the rate limits 1008 "Too many concurrent sessions", 3009 and
 * HTTP 429 after a longer pause), a connection attempt fails, or nothing
 * can be sent for #GstAssemblyAISink:send-timeout (a dead link), the element
 * reconnects, waiting 0.5 s doubling up to
 * #GstAssemblyAISink:reconnect-max-backoff, with jitter, at most
 * #GstAssemblyAISink:reconnect-attempts times in a row (-1: forever).
 * Credentials that are refused, protocol errors and untrusted certificates
 * are never retried. Each new session first receives again the audio since
 * the end of the last completed turn (kept in a buffer of
 * #GstAssemblyAISink:replay-buffer milliseconds, which also holds the audio
 * arriving during the outage), so speech in flight is transcribed; words it
 * reports that were delivered already are dropped, and its times and turn
 * numbers continue those of the stream. A file (non-live input) waits for
 * the reconnection instead of overflowing the buffer; live input keeps
 * flowing, and a warning says how much audio could not be sent again. A
 * file (sync=false too) is never sent more than 15 s ahead of what the
 * service processed (the service buffers at most 5 minutes), and its
 * replay buffer is never smaller than that lead plus a turn, so a drop at
 * any moment loses nothing and memory does not grow with the file.
 *
 * A server that accepts the connection but never sends Begin, or that gets
 * Terminate and never sends Termination (stalled, trickling), is treated
 * like a dropped connection: retried, then an error that says so, never an
 * EOS with nothing transcribed. A message above 64 MiB, a text message
 * that is not UTF-8 or a broken frame is named as the server's fault
 * (STREAM/DECODE; an oversized message is not retried).
 *
 * `language-code` chooses the speech model unless `speech-model` is set:
 * English, the multilingual model's languages (Spanish, French, German,
 * Italian, Portuguese), whisper-rt for its other languages; an unknown code
 * is an error listing what is supported (docs/models.md). The choice is
 * posted as an INFO message.
 *
 * The element answers POSITION queries with how far the transcription got.
 * Messages are posted from a thread of the stream's own, never the shared
 * network thread and never with a lock held: a bus sync handler may read
 * any property, and a slow one holds up only its own stream.
 *
 * Before the session's `expires-at` (3 hours, or a token's
 * max_session_duration_seconds) the element opens the next session at the
 * end of a turn and switches to it with no gap and no repeat ("rollover").
 *
 * Credentials, tried in this order for every connection: a handler of
 * #GstAssemblyAISink::request-token; a token minted at
 * #GstAssemblyAISink:token-url with the API key; the single-use
 * #GstAssemblyAISink:token (first connection only); the API key
 * (#GstAssemblyAISink:api-key or `ASSEMBLYAI_API_KEY`), presented as
 * #GstAssemblyAISink:auth-scheme says. Tokens travel as `?token=` (redacted
 * wherever a URL is shown); keys only in headers or the KeyPool
 * subprotocol. Secrets are write-only and never logged. Note that
 * gst-launch's own parser logs its command line at debug levels: give the
 * key in `ASSEMBLYAI_API_KEY` rather than on the command line when
 * GST_DEBUG is set.
 *
 * ## Messages
 *
 * All are element messages from the sink. Times are #GstClockTime
 * nanoseconds in the pipeline's timeline: `timestamp` is the buffer
 * timestamp of the audio sample that carried the start of the event,
 * `stream-time` and `running-time` are that timestamp converted with the
 * segment it arrived in (as in the `level` element). The service counts
 * milliseconds of audio received; the element maps them back to the exact
 * input samples, across gaps and segment changes.
 *
 * `assemblyai/begin`, when a session has begun:
 * - `session-id` (string): the session's id.
 * - `expires-at` (gint64): Unix time (seconds) at which the service ends the
 *   session (at most 3 hours after it began).
 * - `model`, `mode`, `api-version` (string, optional): the configuration the
 *   service applied, when it reports it.
 *
 * `assemblyai/turn`, for every Turn (only those with `end-of-turn` TRUE when
 * #GstAssemblyAISink:post-partials is FALSE):
 * - `timestamp`, `stream-time`, `running-time` (guint64): of the turn's
 *   first word; GST_CLOCK_TIME_NONE when the turn has no words yet.
 * - `duration` (guint64): from the first word's start to the last word's
 *   end.
 * - `turn-order` (guint): 0-based index of the turn in the stream; every
 *   message of one turn carries the same value, and it keeps counting
 *   across reconnections and rollovers (a turn heard again after a
 *   reconnection keeps its number).
 * - `end-of-turn` (gboolean): TRUE on the turn's final message.
 * - `turn-is-formatted` (gboolean): TRUE when `transcript` is punctuated and
 *   cased. With format-turns the formatted turn follows the unformatted
 *   final one with the same `turn-order`.
 * - `transcript` (string): the turn's final words so far.
 * - `utterance` (string): the complete utterance once the service detected
 *   a pause, else empty.
 * - `end-of-turn-confidence` (gdouble): the model's confidence that the turn
 *   ended.
 * - `language-code` (string), `language-confidence` (gdouble): with
 *   language-detection, on messages that complete an utterance or a turn.
 * - `speaker-label` (string): with speaker-labels ("A", "B", ... or
 *   "UNKNOWN").
 * - `words` (GstValueArray of `assemblyai/word` structures): `text`
 *   (string), `start` and `end` (guint64 timestamps), `running-time` and
 *   `stream-time` (guint64, of the start), `confidence` (gdouble),
 *   `word-is-final` (gboolean), `speaker` (string, with speaker-labels).
 * - `raw` (string): the Turn frame as the service sent it (its times and
 *   turn_order count from the start of its own session).
 *
 * `assemblyai/speech-started` (u3-rt-pro): `timestamp`, `stream-time`,
 * `running-time` (guint64) of the detected speech start; `confidence`
 * (gdouble, when reported).
 *
 * `assemblyai/termination`, at the end of the session:
 * `audio-duration-seconds` and `session-duration-seconds` (gint64, when
 * reported).
 *
 * `assemblyai/progress`, about once a second while the stream makes
 * progress:
 * - `audio-sent`, `audio-transcribed` (guint64): nanoseconds of audio sent,
 *   and processed as far as the service showed (its latest word or speech).
 * - `position` (guint64): stream time of that point of the input (also the
 *   answer to POSITION queries); `duration` (guint64): the input's duration
 *   from upstream; GST_CLOCK_TIME_NONE when unknown.
 * - `realtime-factor` (gdouble): audio transcribed per second of wall time.
 * - `time-left` (guint64): estimated wall time until the input is
 *   transcribed, or GST_CLOCK_TIME_NONE.
 *
 * `assemblyai/reconnect`, when a new session has begun to continue the
 * stream (with a warning after an outage; a planned rollover is only
 * logged at INFO):
 * - `reason` (string): "connection-lost" (dropped, 1006), "closed" (a
 *   retryable close code), "dead-link" (nothing could be sent),
 *   "connect-failed", "upgrade-refused", "timeout" (no Begin within
 *   connect-timeout), "terminate-timeout" (no Termination after the end of
 *   the audio), "protocol-violation" (the server broke the WebSocket
 *   protocol) or "rollover" (before the session expired).
 * - `close-code` (gint): the close code that ended the last session (0 if
 *   none).
 * - `attempt` (guint): how many attempts this reconnection took (0 for a
 *   rollover).
 * - `reconnects` (guint): sessions opened so far to continue the stream
 *   (also the #GstAssemblyAISink:reconnects property).
 * - `outage-duration` (guint64): nanoseconds from the loss of the last
 *   session to the Begin of this one (0 for a rollover).
 * - `audio-replayed` (guint64): nanoseconds of audio sent again at the
 *   start of the new session.
 * - `audio-lost` (guint64): nanoseconds of audio since the last completed
 *   turn that the replay buffer no longer held (words in it may be
 *   missing; a warning says so).
 * - `session-id` (string): the new session's id.
 *
 * ## Errors
 *
 * Errors carry an `assemblyai/error-details` structure (see
 * gst_message_parse_error_details()) with `close-code` (gint), `reason`
 * (string), `http-status` (gint) and `url` (string, with any token
 * redacted). No credentials → RESOURCE/NOT_AUTHORIZED; a refused key
 * (HTTP 401/403 or close 1008) → RESOURCE/NOT_AUTHORIZED; rate limits (429,
 * 3009) → RESOURCE/BUSY; unreachable host, DNS or TLS failure →
 * RESOURCE/OPEN_READ_WRITE naming the URL; protocol violations (3006, 3007)
 * → STREAM/FAILED; a lost connection or expired session (1006, 3005, 3008)
 * once the reconnection attempts ran out → RESOURCE/READ, saying how many
 * were made. A token endpoint that refuses the key (401/403) →
 * RESOURCE/NOT_AUTHORIZED; rejects the request (400) → RESOURCE/SETTINGS;
 * answers 429, 5xx or something that is not a token → retried like a
 * connection, then RESOURCE/OPEN_READ_WRITE. Warning frames from the
 * service become warnings.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "gstassemblyaisink.h"

#include "gstassemblyaicaps.h"
#include "gstassemblyaistream.h"

GST_DEBUG_CATEGORY_STATIC(gst_assemblyai_sink_debug);
#define GST_CAT_DEFAULT gst_assemblyai_sink_debug

struct GstAssemblyAISinkPrivate {
  explicit GstAssemblyAISinkPrivate(GstElement *e) : stream(e) {}
  aai::Stream stream;
  aai::InputGuard input; /* a wrong input format: one clear error */
};

struct _GstAssemblyAISink {
  GstBaseSink parent;
  GstAssemblyAISinkPrivate *priv;
};

enum { SIGNAL_FORCE_ENDPOINT, SIGNAL_REQUEST_TOKEN, LAST_SIGNAL };
static guint sink_signals[LAST_SIGNAL];

static GstStaticPadTemplate sink_template =
    GST_STATIC_PAD_TEMPLATE("sink",
                            GST_PAD_SINK,
                            GST_PAD_ALWAYS,
                            GST_STATIC_CAPS(ASSEMBLYAI_SINK_CAPS));

#define gst_assemblyai_sink_parent_class parent_class
G_DEFINE_TYPE(GstAssemblyAISink, gst_assemblyai_sink, GST_TYPE_BASE_SINK);
GST_ELEMENT_REGISTER_DEFINE(assemblyaisink,
                            "assemblyaisink",
                            GST_RANK_NONE,
                            GST_TYPE_ASSEMBLYAI_SINK);

static void gst_assemblyai_sink_set_property(GObject *object,
                                             guint prop_id,
                                             const GValue *value,
                                             GParamSpec *pspec)
{
  auto *self = GST_ASSEMBLYAI_SINK(object);
  aai::Stream &st = self->priv->stream;
  aai::Settings before;
  bool ok;
  {
    std::lock_guard<std::mutex> l(st.lock());
    before = st.props.settings;
    ok = aai::set_shared_property(st.props, prop_id, value);
  }
  if (!ok) {
    G_OBJECT_WARN_INVALID_PROPERTY_ID(object, prop_id, pspec);
    return;
  }
  st.settings_changed(before);
}

static void gst_assemblyai_sink_get_property(GObject *object,
                                             guint prop_id,
                                             GValue *value,
                                             GParamSpec *pspec)
{
  auto *self = GST_ASSEMBLYAI_SINK(object);
  aai::Stream &st = self->priv->stream;
  if (prop_id == PROP_SESSION_ID) {
    std::string id = st.session_id();
    g_value_set_string(value, id.empty() ? nullptr : id.c_str());
    return;
  }
  if (prop_id == PROP_AUDIO_SENT) {
    g_value_set_uint64(value, st.audio_sent());
    return;
  }
  if (prop_id == PROP_RECONNECTS) {
    g_value_set_uint(value, st.reconnects());
    return;
  }
  std::lock_guard<std::mutex> l(st.lock());
  if (!aai::get_shared_property(st.props, prop_id, value))
    G_OBJECT_WARN_INVALID_PROPERTY_ID(object, prop_id, pspec);
}

static void gst_assemblyai_sink_finalize(GObject *object)
{
  auto *self = GST_ASSEMBLYAI_SINK(object);
  delete self->priv;
  G_OBJECT_CLASS(parent_class)->finalize(object);
}

static GstStateChangeReturn gst_assemblyai_sink_change_state(
    GstElement *element,
    GstStateChange transition)
{
  auto *self = GST_ASSEMBLYAI_SINK(element);
  if (transition == GST_STATE_CHANGE_NULL_TO_READY)
    self->priv->stream.open();
  GstStateChangeReturn ret =
      GST_ELEMENT_CLASS(parent_class)->change_state(element, transition);
  if (transition == GST_STATE_CHANGE_READY_TO_NULL)
    self->priv->stream.close();
  return ret;
}

static gboolean gst_assemblyai_sink_start(GstBaseSink *sink)
{
  GST_ASSEMBLYAI_SINK(sink)->priv->input.reset();
  return GST_ASSEMBLYAI_SINK(sink)->priv->stream.start();
}

static gboolean gst_assemblyai_sink_stop(GstBaseSink *sink)
{
  GST_ASSEMBLYAI_SINK(sink)->priv->stream.stop();
  return TRUE;
}

static gboolean gst_assemblyai_sink_set_caps(GstBaseSink *sink, GstCaps *caps)
{
  /* A live source cannot wait out an outage; a file can (no audio lost).
   * Asked upstream directly: gst_base_sink_query_latency() only asks when
   * sync is on. */
  gboolean upstream_live = FALSE;
  GstQuery *q = gst_query_new_latency();
  if (gst_pad_peer_query(GST_BASE_SINK_PAD(sink), q))
    gst_query_parse_latency(q, &upstream_live, nullptr, nullptr);
  gst_query_unref(q);
  GST_DEBUG_OBJECT(sink, "upstream is %slive", upstream_live ? "" : "not ");
  GST_ASSEMBLYAI_SINK(sink)->priv->stream.set_live(upstream_live);
  return GST_ASSEMBLYAI_SINK(sink)->priv->stream.set_caps(caps);
}

static gboolean gst_assemblyai_sink_query(GstBaseSink *sink, GstQuery *query)
{
  auto *self = GST_ASSEMBLYAI_SINK(sink);
  if (self->priv->input.handle_query(GST_BASE_SINK_PAD(sink), query))
    return TRUE;
  /* A long job's position is how far the transcription got, not how far
   * the audio was pushed. */
  if (GST_QUERY_TYPE(query) == GST_QUERY_POSITION &&
      self->priv->stream.answer_position(query))
    return TRUE;
  return GST_BASE_SINK_CLASS(parent_class)->query(sink, query);
}

static gboolean gst_assemblyai_sink_event(GstBaseSink *sink, GstEvent *event)
{
  auto *self = GST_ASSEMBLYAI_SINK(sink);
  if (GST_EVENT_TYPE(event) == GST_EVENT_EOS)
    self->priv->stream.drain();
  return GST_BASE_SINK_CLASS(parent_class)->event(sink, event);
}

static GstFlowReturn gst_assemblyai_sink_render(GstBaseSink *sink,
                                                GstBuffer *buffer)
{
  return GST_ASSEMBLYAI_SINK(sink)->priv->stream.push(buffer, sink->segment);
}

static gboolean gst_assemblyai_sink_unlock(GstBaseSink *sink)
{
  GST_ASSEMBLYAI_SINK(sink)->priv->stream.set_flushing(true);
  return TRUE;
}

static gboolean gst_assemblyai_sink_unlock_stop(GstBaseSink *sink)
{
  GST_ASSEMBLYAI_SINK(sink)->priv->stream.set_flushing(false);
  return TRUE;
}

static void gst_assemblyai_sink_force_endpoint(GstAssemblyAISink *self)
{
  self->priv->stream.force_endpoint();
}

static void gst_assemblyai_sink_class_init(GstAssemblyAISinkClass *klass)
{
  GObjectClass *gobject_class = G_OBJECT_CLASS(klass);
  GstElementClass *element_class = GST_ELEMENT_CLASS(klass);
  GstBaseSinkClass *basesink_class = GST_BASE_SINK_CLASS(klass);

  gobject_class->set_property = gst_assemblyai_sink_set_property;
  gobject_class->get_property = gst_assemblyai_sink_get_property;
  gobject_class->finalize = gst_assemblyai_sink_finalize;
  aai::install_shared_properties(gobject_class);

  /**
   * GstAssemblyAISink::force-endpoint:
   *
   * Action signal: ends the current turn now (sends ForceEndpoint); its
   * final `assemblyai/turn` follows.
   */
  sink_signals[SIGNAL_FORCE_ENDPOINT] = g_signal_new_class_handler(
      "force-endpoint", G_TYPE_FROM_CLASS(klass),
      static_cast<GSignalFlags>(G_SIGNAL_RUN_LAST | G_SIGNAL_ACTION),
      G_CALLBACK(gst_assemblyai_sink_force_endpoint), nullptr, nullptr, nullptr,
      G_TYPE_NONE, 0);

  /**
   * GstAssemblyAISink::request-token:
   *
   * Emitted before every connection (the first, each reconnection and each
   * rollover) when a handler is connected; the handler returns a fresh
   * single-use temporary token (a newly allocated string), minted wherever
   * the application keeps its key. It runs on a worker thread and may
   * block. Returning %NULL is an error (RESOURCE/NOT_AUTHORIZED).
   *
   * Returns: (transfer full) (nullable): the token
   */
  sink_signals[SIGNAL_REQUEST_TOKEN] = g_signal_new(
      "request-token", G_TYPE_FROM_CLASS(klass), G_SIGNAL_RUN_LAST, 0,
      g_signal_accumulator_first_wins, nullptr, nullptr, G_TYPE_STRING, 0);

  gst_element_class_add_static_pad_template(element_class, &sink_template);
  gst_element_class_set_static_metadata(
      element_class, "AssemblyAI speech-to-text sink",
      "Sink/Audio/Text/Network",
      "Streams audio to AssemblyAI real-time speech-to-text and posts every "
      "result as a bus message",
      "gst-assemblyai contributors");

  element_class->change_state =
      GST_DEBUG_FUNCPTR(gst_assemblyai_sink_change_state);
  basesink_class->start = GST_DEBUG_FUNCPTR(gst_assemblyai_sink_start);
  basesink_class->stop = GST_DEBUG_FUNCPTR(gst_assemblyai_sink_stop);
  basesink_class->set_caps = GST_DEBUG_FUNCPTR(gst_assemblyai_sink_set_caps);
  basesink_class->query = GST_DEBUG_FUNCPTR(gst_assemblyai_sink_query);
  basesink_class->event = GST_DEBUG_FUNCPTR(gst_assemblyai_sink_event);
  basesink_class->render = GST_DEBUG_FUNCPTR(gst_assemblyai_sink_render);
  basesink_class->unlock = GST_DEBUG_FUNCPTR(gst_assemblyai_sink_unlock);
  basesink_class->unlock_stop =
      GST_DEBUG_FUNCPTR(gst_assemblyai_sink_unlock_stop);

  GST_DEBUG_CATEGORY_INIT(gst_assemblyai_sink_debug, "assemblyaisink", 0,
                          "AssemblyAI speech-to-text sink");
}

static void gst_assemblyai_sink_init(GstAssemblyAISink *self)
{
  self->priv = new GstAssemblyAISinkPrivate(GST_ELEMENT(self));
  self->priv->input.install(GST_ELEMENT(self), GST_BASE_SINK_PAD(self));
  self->priv->stream.set_request_token_signal(
      sink_signals[SIGNAL_REQUEST_TOKEN]);
  /* Pace file input to real time: the service wants audio no faster. */
  gst_base_sink_set_sync(GST_BASE_SINK(self), TRUE);
}
