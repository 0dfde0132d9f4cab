/* gst-assemblyai
 * Copyright (C) 2026 gst-assemblyai contributors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
/**
 * SECTION:element-assemblyaitranscriber
 * @title: assemblyaitranscriber
 *
 * Transcribes audio in real time with AssemblyAI's Universal-Streaming API
 * (v3) and outputs the text, timed to the audio it was spoken in:
 *
 * - `src` (always): `text/x-raw, format=utf8`, one final word per buffer
 *   without surrounding spaces, PTS and duration = the word's exact place in
 *   the input timeline. This is the contract of `transcriberbin`,
 *   `tttocea608`/`tttocea708`, `textwrap` and `textaccumulate`.
 * - `caption_src` (always): `text/x-raw, format=utf8`, whole caption cues
 *   (one or more lines joined by "\n"), ready for `srtenc`, `webvttenc` and
 *   `textoverlay`. Shaped by #GstAssemblyAITranscriber:caption-chars-per-line,
 *   #GstAssemblyAITranscriber:caption-lines,
 * #GstAssemblyAITranscriber:caption-min-duration and
 * #GstAssemblyAITranscriber:caption-max-duration; a cue also ends at a sentence
 * end and at every end of turn. With speaker-labels=true a change of
 * speaker starts a new cue that begins with
 * #GstAssemblyAITranscriber:caption-speaker-marker (">> " as in broadcast
 * captions; "- " for the subtitle dash; "" for no mark).
 *
 * Both text pads may stay unlinked: the element then only posts the bus
 * messages (the same as #assemblyaisink, listed there) and a pipeline that
 * ends in it still reaches EOS.
 *
 * ## Words, turns and formatting
 *
 * The service sends every Turn again as it grows; its leading words are
 * final and never change. `src` carries each word once, when it first
 * becomes final, and never retracts it. When a turn ends the element sends
 * the custom downstream event `rstranscribe/final-transcript` on both pads,
 * and when the speaker label changes (speaker-labels=true)
 * `rstranscribe/speaker-change` with a `speaker` string field, before the
 * first word of the new speaker.
 *
 * With format-turns=true the service follows each unformatted final turn
 * with a formatted copy (punctuation, casing, numbers as digits). Words on
 * `src` are not sent again: they went out as soon as they were final, and
 * a formatted word can span several spoken ones ("twenty five" -> "25").
 * The caption cues wait for the formatted turn instead, so captions carry
 * punctuation and casing; its words keep their own exact times. The
 * `assemblyai/turn` message carries both versions. (u3-rt-pro formats every
 * final turn, so there the words on `src` are formatted too.)
 *
 * ## Reconnection and rollover
 *
 * As #assemblyaisink (see there for the properties, the credentials and
 * the `assemblyai/reconnect` message): after a dropped connection, a
 * retryable close or a dead link the element reconnects with backoff, and
 * before a session expires it rolls over to a new one at the end of a
 * turn. The new session hears again the audio since the last completed
 * turn; words it reports that a pad already carried are not pushed again
 * (each pad keeps its own mark, by time), so `src` carries every word
 * exactly once at its exact time, and a caption cue waiting for its
 * formatted turn is released as it is when the session is lost. Non-live
 * input never runs more than 15 s ahead of what the service processed and
 * its replay buffer holds what a new session must hear again, so a drop at
 * any moment loses nothing.
 *
 * #GstAssemblyAITranscriber:filter-non-speech drops tags such as
 * `[Silence]` and `[Music]` from both pads (whisper-rt reports them as bare
 * words and marks them only in the turn's utterance, so with that model
 * and the filter on, words wait for the end of their turn).
 *
 * ## Timing, latency and live pipelines
 *
 * Text buffers are in the input timeline: the output segment is the input
 * segment with `base` increased by #GstAssemblyAITranscriber:lateness. The
 * service's millisecond offsets are mapped back to the exact input samples,
 * across gaps, DISCONT, a non-zero segment start and format changes.
 *
 * The LATENCY query is answered from the properties alone, also in PAUSED
 * before any connection: with a live upstream #GstAssemblyAITranscriber:latency
 * is added to its minimum and maximum; otherwise (paced or not) upstream's
 * answer passes through unchanged. While the pipeline runs in real time (live
 * upstream, or #GstAssemblyAITranscriber:pace), both pads get GAP events
 * through silence, up to the position whose running time is `latency` in the
 * past, so live muxers and overlays keep going. A word that arrives after its
 * time was declared empty is restamped to the earliest free position and
 * counted in #GstAssemblyAITranscriber:late-words (with a CORE/CLOCK
 * warning the first time); the largest delay seen is
 * #GstAssemblyAITranscriber:max-observed-delay, with a CORE/CLOCK warning
 * (details field `new-observed-max-delay`, guint ms) when it exceeds
 * latency + lateness.
 *
 * Non-live input is paced to real time (pace=true, the default); set
 * pace=false to stream as fast as the service takes it, for offline jobs.
 * Either way it is never more than 15 s ahead of what the service
 * processed. Pacing does not make the pipeline live: before the pipeline
 * first plays, the first seconds of audio (the larger of latency and 5 s)
 * go out so the text can preroll it; inside playbin's audio-filter or
 * beside a synchronised audio sink it prerolls and plays as usual
 * (docs/pacing.md has each topology). Besides the clock's GAPs, each text
 * pad advances with the service's progress (a GAP up to the next thing it
 * can still show), so muxers move on where no clock does. At EOS the
 * element sends Terminate, waits for the last turn (terminate-timeout plus
 * the time the service needs for what it had not processed; a session
 * that stays silent is replaced like a dropped one), pushes the remaining
 * words and cues, then EOS. A new audio format, or a segment that changes
 * the timeline (not a mere position update), ends the session the same way
 * and opens a new one with the next audio; a flushing seek drops the
 * session at once.
 *
 * `language-code` chooses the speech model unless speech-model is set
 * (docs/models.md), and tags the text. The element answers POSITION
 * queries with how far the transcription got and posts
 * `assemblyai/progress` about once a second (see #assemblyaisink).
 *
 * ## Example launch lines
 * |[
 * gst-launch-1.0 filesrc location=speech.wav ! wavparse ! audioconvert ! \
 *     audioresample ! assemblyaitranscriber name=t format-turns=true \
 *     t.caption_src ! srtenc ! filesink location=speech.srt
 * ]| A WAV file to an SRT subtitle file (key from `ASSEMBLYAI_API_KEY`).
 * |[
 * gst-launch-1.0 filesrc location=speech.wav ! wavparse ! audioconvert ! \
 *     audioresample ! assemblyaitranscriber name=t pace=false \
 *     format-turns=true t.caption_src ! webvttenc ! \
 *     filesink location=speech.vtt
 * ]| The same to WebVTT, as fast as the service transcribes.
 * |[
 * gst-launch-1.0 pulsesrc ! audioconvert ! audioresample ! \
 *     assemblyaitranscriber name=t latency=4000 \
 *     v4l2src ! videoconvert ! textoverlay name=o ! autovideosink \
 *     t.caption_src ! o.text_sink
 * ]| Live captions burnt into a camera picture.
 * |[
 * gst-launch-1.0 -m pulsesrc ! audioconvert ! audioresample ! \
 *     assemblyaitranscriber ! fakesink
 * ]| Words of a live microphone, one buffer each, and the `assemblyai/turn`
 * messages on the bus.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "gstassemblyaitranscriber.h"

#include <algorithm>
#include <atomic>
#include <memory>

#include "gstassemblyaicaps.h"
#include "gstassemblyaistream.h"
#include "gstassemblyaitextoutput.h"
#include "turn_tracker.h"

GST_DEBUG_CATEGORY_STATIC(gst_assemblyai_transcriber_debug);
#define GST_CAT_DEFAULT gst_assemblyai_transcriber_debug

#define DEFAULT_LATENCY_MS 4000u
#define DEFAULT_LATENESS_MS 0u
#define DEFAULT_CHARS_PER_LINE 42u
#define DEFAULT_CAPTION_LINES 2u
#define DEFAULT_CAPTION_MIN_MS 1000u
#define DEFAULT_CAPTION_MAX_MS 7000u
#define DEFAULT_CAPTION_SPEAKER_MARKER ">> "
#define TEXT_CAPS "text/x-raw, format=(string)utf8"

enum {
  PROP_LATENCY = PROP_SHARED_LAST,
  PROP_LATENESS,
  PROP_PACE,
  PROP_FILTER_NON_SPEECH,
  PROP_CAPTION_CHARS_PER_LINE,
  PROP_CAPTION_LINES,
  PROP_CAPTION_MIN_DURATION,
  PROP_CAPTION_MAX_DURATION,
  PROP_CAPTION_SPEAKER_MARKER,
  PROP_MAX_OBSERVED_DELAY,
  PROP_LATE_WORDS,
};

enum { SIGNAL_FORCE_ENDPOINT, SIGNAL_REQUEST_TOKEN, LAST_SIGNAL };
static guint transcriber_signals[LAST_SIGNAL];

/* Settings of the text side, guarded by TranscriberPrivate::lock. */
struct TextSettings {
  guint latency_ms = DEFAULT_LATENCY_MS;
  guint lateness_ms = DEFAULT_LATENESS_MS;
  /* The language detected last (language-detection), for the tag. */
  std::optional<std::string> detected_language;
  bool pace = true;
  bool filter_non_speech = false;
  aai::CaptionOptions captions;
};

struct GstAssemblyAITranscriberPrivate {
  explicit GstAssemblyAITranscriberPrivate(GstElement *e) : stream(e) {}

  aai::Stream stream;
  GstPad *sinkpad = nullptr;
  std::unique_ptr<aai::TextOutput> words, captions;

  std::mutex lock; /* text, tracker, segment, upstream latency */
  TextSettings text;
  std::unique_ptr<aai::TurnTracker> tracker;
  GstSegment segment;
  GstCaps *caps = nullptr; /* current input caps */
  bool upstream_live = false;
  GstClockTime upstream_min = 0;

  /* Pacing of non-live input (streaming thread waits on the clock). */
  std::mutex pace_lock;
  std::condition_variable pace_cond;
  bool playing = false;
  bool played = false; /* PLAYING reached since READY->PAUSED */
  bool pace_flushing = false;
  GstClockID pace_id = nullptr;

  std::atomic<guint> max_observed_delay_ms{0};
  aai::InputGuard input; /* a wrong input format: one clear error */
};

struct _GstAssemblyAITranscriber {
  GstElement parent;
  GstAssemblyAITranscriberPrivate *priv;
};

static GstStaticPadTemplate sink_template =
    GST_STATIC_PAD_TEMPLATE("sink",
                            GST_PAD_SINK,
                            GST_PAD_ALWAYS,
                            GST_STATIC_CAPS(ASSEMBLYAI_SINK_CAPS));
static GstStaticPadTemplate src_template =
    GST_STATIC_PAD_TEMPLATE("src",
                            GST_PAD_SRC,
                            GST_PAD_ALWAYS,
                            GST_STATIC_CAPS(TEXT_CAPS));
static GstStaticPadTemplate caption_template =
    GST_STATIC_PAD_TEMPLATE("caption_src",
                            GST_PAD_SRC,
                            GST_PAD_ALWAYS,
                            GST_STATIC_CAPS(TEXT_CAPS));

#define gst_assemblyai_transcriber_parent_class parent_class
G_DEFINE_TYPE(GstAssemblyAITranscriber,
              gst_assemblyai_transcriber,
              GST_TYPE_ELEMENT);
GST_ELEMENT_REGISTER_DEFINE(assemblyaitranscriber,
                            "assemblyaitranscriber",
                            GST_RANK_NONE,
                            GST_TYPE_ASSEMBLYAI_TRANSCRIBER);

/* ---- text outputs ---- */

static void for_each_output(GstAssemblyAITranscriberPrivate *p,
                            const std::function<void(aai::TextOutput &)> &fn)
{
  fn(*p->words);
  fn(*p->captions);
}

/* Queues @events, in order and together, on both text pads (the caption
 * pad gets copies). */
static void queue_event_both(GstAssemblyAITranscriberPrivate *p,
                             std::vector<GstEvent *> events)
{
  std::vector<GstEvent *> copies;
  for (GstEvent *e : events)
    copies.push_back(gst_event_copy(e));
  p->captions->queue_events(copies);
  p->words->queue_events(events);
}

static void update_output_timing(GstAssemblyAITranscriberPrivate *p)
{
  aai::OutputTiming t;
  {
    std::lock_guard<std::mutex> l(p->lock);
    t.latency = p->text.latency_ms * GST_MSECOND;
    t.upstream_min = p->upstream_live ? p->upstream_min : 0;
    t.clocked = p->upstream_live || p->text.pace;
  }
  for_each_output(p, [&t](aai::TextOutput &o) { o.set_timing(t); });
}

static GstEvent *language_tag_event(const std::string &code)
{
  GstTagList *tags =
      gst_tag_list_new(GST_TAG_LANGUAGE_CODE, code.c_str(), nullptr);
  gst_tag_list_set_scope(tags, GST_TAG_SCOPE_STREAM);
  return gst_event_new_tag(tags);
}

/* Largest delay between a word's audio and its arrival, while the audio
 * runs in real time (I/O thread). */
static void observe_delay(GstAssemblyAITranscriber *self,
                          const aai::MediaTimes &start)
{
  auto *p = self->priv;
  if (GST_STATE(self) != GST_STATE_PLAYING ||
      start.running_time == aai::MediaTimes::kNone)
    return;
  GstClock *clock = gst_element_get_clock(GST_ELEMENT(self));
  if (!clock)
    return;
  GstClockTime now = gst_clock_get_time(clock);
  gst_object_unref(clock);
  guint latency_ms, lateness_ms;
  GstClockTime upstream_min;
  {
    std::lock_guard<std::mutex> l(p->lock);
    if (!p->upstream_live && !p->text.pace)
      return; /* audio runs ahead of the clock: no meaningful delay */
    latency_ms = p->text.latency_ms;
    lateness_ms = p->text.lateness_ms;
    upstream_min = p->upstream_live ? p->upstream_min : 0;
  }
  GstClockTime arrived = now - gst_element_get_base_time(GST_ELEMENT(self));
  if (arrived <= start.running_time + upstream_min)
    return;
  guint delay_ms = static_cast<guint>(
      (arrived - start.running_time - upstream_min) / GST_MSECOND);
  guint old = p->max_observed_delay_ms.load();
  if (delay_ms <= old)
    return;
  p->max_observed_delay_ms.store(delay_ms);
  g_object_notify(G_OBJECT(self), "max-observed-delay");
  if (delay_ms > latency_ms + lateness_ms) {
    GST_ELEMENT_WARNING_WITH_DETAILS(
        self, CORE, CLOCK, ("Transcription is slower than the latency allows."),
        ("A word arrived %u ms after its audio; latency + lateness is %u ms. "
         "Raise the latency property.",
         delay_ms, latency_ms + lateness_ms),
        ("new-observed-max-delay", G_TYPE_UINT, delay_ms, nullptr));
  }
}

/* Pipeline times of a word's millisecond: those computed with @notice
 * when the word is one of its own (exact however old), else the stream's
 * timeline (words held from an earlier turn). */
static aai::MediaTimes word_times(GstAssemblyAITranscriber *self,
                                  const aai::EventNotice *notice,
                                  int64_t ms)
{
  if (notice)
    if (std::optional<aai::MediaTimes> t = notice->find(ms))
      return *t;
  return self->priv->stream.times_at_ms(ms);
}

static void queue_items(GstAssemblyAITranscriber *self,
                        const std::vector<aai::TextItem> &items,
                        aai::TextOutput &out,
                        bool observe,
                        const aai::EventNotice *notice)
{
  for (const aai::TextItem &i : items) {
    switch (i.kind) {
      case aai::TextItem::Kind::Word: {
        aai::MediaTimes s = word_times(self, notice, i.word.start_ms);
        aai::MediaTimes e = word_times(self, notice, i.word.end_ms);
        aai::TimedWord w;
        w.text = i.word.text;
        w.pts = s.pts;
        w.duration = (s.pts != aai::MediaTimes::kNone &&
                      e.pts != aai::MediaTimes::kNone && e.pts >= s.pts)
                         ? e.pts - s.pts
                         : GST_CLOCK_TIME_NONE;
        if (observe)
          observe_delay(self, s);
        out.queue_word(w);
        break;
      }
      case aai::TextItem::Kind::EndOfTurn:
        out.queue_end_of_turn();
        break;
      case aai::TextItem::Kind::SpeakerChange:
        out.queue_speaker_change(i.speaker);
        break;
    }
  }
}

static void dispatch(GstAssemblyAITranscriber *self,
                     const aai::TextUpdate &u,
                     const aai::EventNotice *notice = nullptr)
{
  auto *p = self->priv;
  queue_items(self, u.words, *p->words, true, notice);
  queue_items(self, u.captions, *p->captions, false, notice);
  if (u.language) {
    {
      std::lock_guard<std::mutex> l(p->lock);
      p->text.detected_language = *u.language;
    }
    queue_event_both(p, {language_tag_event(*u.language)});
  }
}

/* The Stream's hook: runs on the stream's dispatcher for every server
 * event, after its bus message. */
static void on_server_event(GstAssemblyAITranscriber *self,
                            const aai::EventNotice &n)
{
  auto *p = self->priv;
  aai::TextUpdate u;
  aai::TurnTracker::Settled settled;
  {
    std::lock_guard<std::mutex> l(p->lock);
    if (!p->tracker)
      return;
    if (const auto *t = std::get_if<aai::TurnEvent>(&n.event))
      u = p->tracker->on_turn(*t);
    else if (std::holds_alternative<aai::TerminationEvent>(n.event))
      u = p->tracker->finish();
    else
      return;
    settled = p->tracker->settled();
  }
  dispatch(self, u, &n);
  /* The service moved on: the outputs may declare the time before the
   * next thing they can show empty (muxers and sinks advance). */
  if (settled.words)
    p->words->queue_advance(word_times(self, &n, *settled.words).pts);
  if (settled.captions)
    p->captions->queue_advance(word_times(self, &n, *settled.captions).pts);
}

static void reset_tracker(GstAssemblyAITranscriberPrivate *p)
{
  aai::Settings s;
  {
    std::lock_guard<std::mutex> l(p->stream.lock());
    s = p->stream.props.effective_settings();
  }
  std::lock_guard<std::mutex> l(p->lock);
  aai::TurnTracker::Options o;
  bool u3 = s.speech_model && s.speech_model->rfind("u3", 0) == 0;
  bool whisper =
      s.speech_model && s.speech_model->find("whisper") != std::string::npos;
  o.await_formatted = (s.format_turns && *s.format_turns) || u3;
  o.filter_non_speech = p->text.filter_non_speech;
  o.hold_until_end_of_turn = whisper && p->text.filter_non_speech;
  p->tracker = std::make_unique<aai::TurnTracker>(o);
}

/* Runs one end-of-session step of the tracker and shows what it
 * released. */
static void tracker_step(GstAssemblyAITranscriber *self,
                         aai::TextUpdate (aai::TurnTracker::*step)())
{
  aai::TextUpdate u;
  {
    std::lock_guard<std::mutex> l(self->priv->lock);
    if (self->priv->tracker)
      u = (self->priv->tracker.get()->*step)();
  }
  dispatch(self, u);
}

/* Words of the session that just ended, then the tracker is ready for the
 * next session (streaming thread, after a drain). */
static void finish_session(GstAssemblyAITranscriber *self)
{
  tracker_step(self, &aai::TurnTracker::finish);
}

/* A session was lost mid-stream: the next one hears its unfinished turn
 * again (dispatcher). */
static void abandon_turn(GstAssemblyAITranscriber *self)
{
  tracker_step(self, &aai::TurnTracker::abandon);
}

/* ---- pacing ---- */

/* Audio a paced element sends before the pipeline first plays: enough for
 * the first words of most speech to come back and preroll the text. */
constexpr GstClockTime kPrerollAudio = 5 * GST_SECOND;

/* Holds a non-live buffer until the clock reaches its running time, the
 * way a synchronising sink would (streaming thread). Unlike clocksync it
 * does not make the pipeline live (no NO_PREROLL): inside playbin's
 * audio-filter, or next to a synchronised audio sink, the pipeline
 * prerolls as usual, on the text the first audio gave. */
static GstFlowReturn pace_buffer(GstAssemblyAITranscriber *self, GstBuffer *buf)
{
  auto *p = self->priv;
  GstClockTime rt, preroll;
  {
    std::lock_guard<std::mutex> l(p->lock);
    if (!p->text.pace || p->upstream_live)
      return GST_FLOW_OK;
    rt = gst_segment_to_running_time(&p->segment, GST_FORMAT_TIME,
                                     GST_BUFFER_PTS(buf));
    preroll =
        std::max<GstClockTime>(p->text.latency_ms * GST_MSECOND, kPrerollAudio);
  }
  if (!GST_CLOCK_TIME_IS_VALID(rt))
    return GST_FLOW_OK;
  std::unique_lock<std::mutex> l(p->pace_lock);
  for (;;) {
    if (p->pace_flushing)
      return GST_FLOW_FLUSHING;
    if (!p->playing) {
      /* Before the first PLAYING the first seconds of audio go out (the
       * larger of latency and kPrerollAudio), so that the text (and a
       * muxer waiting for it) can preroll the pipeline; a pipeline paused
       * later sends nothing until it plays. */
      if (!p->played && rt < preroll)
        return GST_FLOW_OK;
      p->pace_cond.wait(l);
      continue;
    }
    GstClock *clock = gst_element_get_clock(GST_ELEMENT(self));
    if (!clock)
      return GST_FLOW_OK;
    GstClockID id = gst_clock_new_single_shot_id(
        clock, gst_element_get_base_time(GST_ELEMENT(self)) + rt);
    gst_object_unref(clock);
    p->pace_id = id;
    l.unlock();
    GstClockReturn r = gst_clock_id_wait(id, nullptr);
    l.lock();
    p->pace_id = nullptr;
    gst_clock_id_unref(id);
    if (r != GST_CLOCK_UNSCHEDULED)
      return GST_FLOW_OK;
  }
}

static void set_pace_state(GstAssemblyAITranscriberPrivate *p,
                           bool playing,
                           bool flushing)
{
  std::lock_guard<std::mutex> l(p->pace_lock);
  p->playing = playing;
  p->played = p->played || playing;
  p->pace_flushing = flushing;
  if (p->pace_id)
    gst_clock_id_unschedule(p->pace_id);
  p->pace_cond.notify_all();
}

/* ---- upstream latency ---- */

static bool query_upstream_latency(GstAssemblyAITranscriber *self,
                                   GstQuery *query)
{
  auto *p = self->priv;
  if (!gst_pad_peer_query(p->sinkpad, query))
    return false;
  gboolean live;
  GstClockTime min, max;
  gst_query_parse_latency(query, &live, &min, &max);
  {
    std::lock_guard<std::mutex> l(p->lock);
    p->upstream_live = live;
    p->upstream_min = min;
  }
  p->stream.set_live(live);
  update_output_timing(p);
  return true;
}

/* ---- sink pad ---- */

static GstFlowReturn gst_assemblyai_transcriber_chain(GstPad *pad,
                                                      GstObject *parent,
                                                      GstBuffer *buf)
{
  (void)pad;
  auto *self = GST_ASSEMBLYAI_TRANSCRIBER(parent);
  auto *p = self->priv;
  GstFlowReturn ret = pace_buffer(self, buf);
  if (ret == GST_FLOW_OK) {
    GstSegment seg;
    {
      std::lock_guard<std::mutex> l(p->lock);
      gst_segment_copy_into(&p->segment, &seg);
    }
    ret = p->stream.push(buf, seg);
  }
  gst_buffer_unref(buf);
  return ret;
}

static void handle_stream_start(GstAssemblyAITranscriber *self, GstEvent *event)
{
  auto *p = self->priv;
  guint group = 0;
  bool has_group = gst_event_parse_group_id(event, &group);
  GstCaps *caps = gst_caps_from_string(TEXT_CAPS);
  for_each_output(p, [&](aai::TextOutput &o) {
    const char *name = &o == p->words.get() ? "transcript" : "captions";
    gchar *id = gst_pad_create_stream_id(o.pad(), GST_ELEMENT(self), name);
    GstEvent *ss = gst_event_new_stream_start(id);
    g_free(id);
    gst_event_set_seqnum(ss, gst_event_get_seqnum(event));
    if (has_group)
      gst_event_set_group_id(ss, group);
    o.queue_event(ss);
    o.queue_event(gst_event_new_caps(caps));
  });
  gst_caps_unref(caps);
}

static gboolean handle_caps(GstAssemblyAITranscriber *self, GstCaps *caps)
{
  auto *p = self->priv;
  bool changed;
  {
    std::lock_guard<std::mutex> l(p->lock);
    changed = p->caps && !gst_caps_is_equal(p->caps, caps);
    gst_caps_replace(&p->caps, caps);
  }
  if (changed) {
    /* A new format needs a new session: let this one finish first, so its
     * words keep the timeline they were spoken in. */
    p->stream.end_session();
    finish_session(self);
  }
  GstQuery *q = gst_query_new_latency();
  query_upstream_latency(self, q);
  gst_query_unref(q);
  return p->stream.set_caps(caps);
}

/* True when @b maps timestamps to running and stream time differently
 * from @a (rate, format, base, start, time, offset, flags), as the
 * gst-plugins-rs transcribers compare segments: a segment that only
 * updates the position, stop or duration changes nothing for the words
 * in flight and needs no drain. */
static bool segment_changes_timeline(const GstSegment &a, const GstSegment &b)
{
  return a.format != b.format || a.rate != b.rate ||
         a.applied_rate != b.applied_rate || a.base != b.base ||
         a.start != b.start || a.time != b.time || a.offset != b.offset ||
         a.flags != b.flags;
}

static gboolean handle_segment(GstAssemblyAITranscriber *self, GstEvent *event)
{
  auto *p = self->priv;
  const GstSegment *seg;
  gst_event_parse_segment(event, &seg);
  if (seg->format != GST_FORMAT_TIME) {
    GST_ELEMENT_ERROR(self, STREAM, FORMAT, ("Audio without timestamps."),
                      ("Got a %s segment; the transcriber needs TIME "
                       "segments (put a parser such as wavparse upstream).",
                       gst_format_get_name(seg->format)));
    return FALSE;
  }
  bool changed;
  {
    std::lock_guard<std::mutex> l(p->lock);
    changed = segment_changes_timeline(p->segment, *seg);
  }
  if (changed && p->stream.has_audio()) {
    /* Words already in flight belong to the old segment's timeline: they
     * go out before the new segment, and a new session starts with the
     * next buffer. */
    GST_INFO_OBJECT(self, "new segment changes the timeline: draining");
    p->stream.end_session();
    finish_session(self);
  }
  GstSegment out;
  std::string lang;
  {
    std::lock_guard<std::mutex> l(p->lock);
    gst_segment_copy_into(seg, &p->segment);
    gst_segment_copy_into(seg, &out);
    out.base += p->text.lateness_ms * GST_MSECOND;
    lang = p->text.detected_language.value_or(std::string());
  }
  if (lang.empty()) {
    std::lock_guard<std::mutex> l(p->stream.lock());
    lang = p->stream.props.language_code;
  }
  GstEvent *oe = gst_event_new_segment(&out);
  gst_event_set_seqnum(oe, gst_event_get_seqnum(event));
  /* Sticky order: the language tag follows the segment. */
  queue_event_both(p, {oe, language_tag_event(lang)});
  return TRUE;
}

static gboolean handle_eos(GstAssemblyAITranscriber *self, GstEvent *event)
{
  auto *p = self->priv;
  p->stream.drain();
  finish_session(self);
  guint32 seqnum = gst_event_get_seqnum(event);
  queue_event_both(p, {event});
  bool pushed = true;
  for_each_output(p, [&pushed](aai::TextOutput &o) {
    pushed = o.wait_eos_pushed() && pushed;
  });
  if (pushed) {
    /* The element is flagged as a sink, so the bin waits for its EOS even
     * when both text pads are unlinked. */
    GstMessage *m = gst_message_new_eos(GST_OBJECT(self));
    gst_message_set_seqnum(m, seqnum);
    gst_element_post_message(GST_ELEMENT(self), m);
  }
  return TRUE;
}

static gboolean gst_assemblyai_transcriber_sink_event(GstPad *pad,
                                                      GstObject *parent,
                                                      GstEvent *event)
{
  auto *self = GST_ASSEMBLYAI_TRANSCRIBER(parent);
  auto *p = self->priv;
  switch (GST_EVENT_TYPE(event)) {
    case GST_EVENT_STREAM_START:
      handle_stream_start(self, event);
      gst_event_unref(event);
      return TRUE;
    case GST_EVENT_CAPS: {
      GstCaps *caps;
      gst_event_parse_caps(event, &caps);
      gboolean ok = handle_caps(self, caps);
      gst_event_unref(event);
      return ok;
    }
    case GST_EVENT_SEGMENT: {
      gboolean ok = handle_segment(self, event);
      gst_event_unref(event);
      return ok;
    }
    case GST_EVENT_EOS:
      return handle_eos(self, event);
    case GST_EVENT_FLUSH_START:
      set_pace_state(p, GST_STATE(self) == GST_STATE_PLAYING, true);
      for_each_output(p, [](aai::TextOutput &o) { o.flush_start(); });
      p->stream.stop();
      gst_event_unref(event);
      return TRUE;
    case GST_EVENT_FLUSH_STOP:
      p->stream.resume();
      reset_tracker(p);
      {
        std::lock_guard<std::mutex> l(p->pace_lock);
        p->pace_flushing = false;
      }
      for_each_output(p, [](aai::TextOutput &o) { o.flush_stop(); });
      gst_event_unref(event);
      return TRUE;
    case GST_EVENT_GAP:
    case GST_EVENT_TAG:
      /* Audio gaps are in the timeline; text time moves by the clock. Audio
       * tags do not describe the text. */
      gst_event_unref(event);
      return TRUE;
    default:
      if (GST_EVENT_IS_SERIALIZED(event) && GST_EVENT_IS_DOWNSTREAM(event)) {
        queue_event_both(p, {event});
        return TRUE;
      }
      return gst_pad_event_default(pad, parent, event);
  }
}

/* Answers a CAPS query with @pad's template caps (and the filter). */
static void answer_caps_from_template(GstPad *pad, GstQuery *query)
{
  GstCaps *filter, *tmpl = gst_pad_get_pad_template_caps(pad);
  gst_query_parse_caps(query, &filter);
  GstCaps *res =
      filter ? gst_caps_intersect_full(filter, tmpl, GST_CAPS_INTERSECT_FIRST)
             : gst_caps_ref(tmpl);
  gst_query_set_caps_result(query, res);
  gst_caps_unref(res);
  gst_caps_unref(tmpl);
}

static gboolean gst_assemblyai_transcriber_sink_query(GstPad *pad,
                                                      GstObject *parent,
                                                      GstQuery *query)
{
  /* Audio in, text out: the sink's caps never come from the src pads. */
  if (GST_ASSEMBLYAI_TRANSCRIBER(parent)->priv->input.handle_query(pad, query))
    return TRUE;
  return gst_pad_query_default(pad, parent, query);
}

/* ---- src pads ---- */

static gboolean gst_assemblyai_transcriber_src_query(GstPad *pad,
                                                     GstObject *parent,
                                                     GstQuery *query)
{
  auto *self = GST_ASSEMBLYAI_TRANSCRIBER(parent);
  switch (GST_QUERY_TYPE(query)) {
    case GST_QUERY_LATENCY: {
      /* From the settings alone: no connection or buffer needed. */
      if (!query_upstream_latency(self, query))
        return FALSE;
      gboolean live;
      GstClockTime min, max;
      gst_query_parse_latency(query, &live, &min, &max);
      GstClockTime own;
      {
        std::lock_guard<std::mutex> l(self->priv->lock);
        own = self->priv->text.latency_ms * GST_MSECOND;
      }
      /* Only a live pipeline waits for its latency. A paced file is not
       * live: claiming it would delay every sink by latency, and a
       * synchronised audio sink beside a tee (playbin, decodebin ! tee)
       * would then hold back the audio the transcriber needs. */
      if (live) {
        min += own;
        if (GST_CLOCK_TIME_IS_VALID(max))
          max += own;
        gst_query_set_latency(query, live, min, max);
      }
      return TRUE;
    }
    case GST_QUERY_CAPS:
      /* Each side's caps come from its own template, never from the
       * other side (audio in, text out). */
      answer_caps_from_template(pad, query);
      return TRUE;
    default:
      return gst_pad_query_default(pad, parent, query);
  }
}

static gboolean gst_assemblyai_transcriber_src_activate_mode(GstPad *pad,
                                                             GstObject *parent,
                                                             GstPadMode mode,
                                                             gboolean active)
{
  auto *p = GST_ASSEMBLYAI_TRANSCRIBER(parent)->priv;
  if (mode != GST_PAD_MODE_PUSH)
    return FALSE;
  aai::TextOutput &o = pad == p->words->pad() ? *p->words : *p->captions;
  return o.set_active(active);
}

/* ---- properties ---- */

static void apply_text_settings(GstAssemblyAITranscriberPrivate *p)
{
  aai::CaptionOptions c;
  {
    std::lock_guard<std::mutex> l(p->lock);
    c = p->text.captions;
  }
  p->captions->set_caption_options(c);
  update_output_timing(p);
}

static void gst_assemblyai_transcriber_set_property(GObject *object,
                                                    guint prop_id,
                                                    const GValue *value,
                                                    GParamSpec *pspec)
{
  auto *self = GST_ASSEMBLYAI_TRANSCRIBER(object);
  auto *p = self->priv;
  if (prop_id < PROP_SHARED_LAST) {
    aai::Stream &st = p->stream;
    aai::Settings before;
    bool ok;
    {
      std::lock_guard<std::mutex> l(st.lock());
      before = st.props.settings;
      ok = aai::set_shared_property(st.props, prop_id, value);
    }
    if (!ok)
      G_OBJECT_WARN_INVALID_PROPERTY_ID(object, prop_id, pspec);
    else
      st.settings_changed(before);
    return;
  }
  bool latency_changed = false;
  {
    std::lock_guard<std::mutex> l(p->lock);
    TextSettings &t = p->text;
    switch (prop_id) {
      case PROP_LATENCY:
        latency_changed = t.latency_ms != g_value_get_uint(value);
        t.latency_ms = g_value_get_uint(value);
        break;
      case PROP_LATENESS:
        t.lateness_ms = g_value_get_uint(value);
        break;
      case PROP_PACE:
        t.pace = g_value_get_boolean(value);
        break;
      case PROP_FILTER_NON_SPEECH:
        t.filter_non_speech = g_value_get_boolean(value);
        break;
      case PROP_CAPTION_CHARS_PER_LINE:
        t.captions.chars_per_line = g_value_get_uint(value);
        break;
      case PROP_CAPTION_LINES:
        t.captions.lines_per_cue = g_value_get_uint(value);
        break;
      case PROP_CAPTION_MIN_DURATION:
        t.captions.min_duration = g_value_get_uint(value) * GST_MSECOND;
        break;
      case PROP_CAPTION_MAX_DURATION:
        t.captions.max_duration = g_value_get_uint(value) * GST_MSECOND;
        break;
      case PROP_CAPTION_SPEAKER_MARKER: {
        const gchar *m = g_value_get_string(value);
        t.captions.speaker_marker = m ? m : "";
        break;
      }
      default:
        G_OBJECT_WARN_INVALID_PROPERTY_ID(object, prop_id, pspec);
        return;
    }
  }
  apply_text_settings(p);
  if (latency_changed)
    gst_element_post_message(GST_ELEMENT(self),
                             gst_message_new_latency(GST_OBJECT(self)));
}

static void gst_assemblyai_transcriber_get_property(GObject *object,
                                                    guint prop_id,
                                                    GValue *value,
                                                    GParamSpec *pspec)
{
  auto *p = GST_ASSEMBLYAI_TRANSCRIBER(object)->priv;
  aai::Stream &st = p->stream;
  switch (prop_id) {
    case PROP_SESSION_ID: {
      std::string id = st.session_id();
      g_value_set_string(value, id.empty() ? nullptr : id.c_str());
      return;
    }
    case PROP_AUDIO_SENT:
      g_value_set_uint64(value, st.audio_sent());
      return;
    case PROP_RECONNECTS:
      g_value_set_uint(value, st.reconnects());
      return;
    case PROP_MAX_OBSERVED_DELAY:
      g_value_set_uint(value, p->max_observed_delay_ms.load());
      return;
    case PROP_LATE_WORDS:
      g_value_set_uint64(value, p->words->late_words());
      return;
    default:
      break;
  }
  if (prop_id < PROP_SHARED_LAST) {
    std::lock_guard<std::mutex> l(st.lock());
    if (!aai::get_shared_property(st.props, prop_id, value))
      G_OBJECT_WARN_INVALID_PROPERTY_ID(object, prop_id, pspec);
    return;
  }
  std::lock_guard<std::mutex> l(p->lock);
  const TextSettings &t = p->text;
  switch (prop_id) {
    case PROP_LATENCY:
      g_value_set_uint(value, t.latency_ms);
      break;
    case PROP_LATENESS:
      g_value_set_uint(value, t.lateness_ms);
      break;
    case PROP_PACE:
      g_value_set_boolean(value, t.pace);
      break;
    case PROP_FILTER_NON_SPEECH:
      g_value_set_boolean(value, t.filter_non_speech);
      break;
    case PROP_CAPTION_CHARS_PER_LINE:
      g_value_set_uint(value, t.captions.chars_per_line);
      break;
    case PROP_CAPTION_LINES:
      g_value_set_uint(value, t.captions.lines_per_cue);
      break;
    case PROP_CAPTION_MIN_DURATION:
      g_value_set_uint(
          value, static_cast<guint>(t.captions.min_duration / GST_MSECOND));
      break;
    case PROP_CAPTION_MAX_DURATION:
      g_value_set_uint(
          value, static_cast<guint>(t.captions.max_duration / GST_MSECOND));
      break;
    case PROP_CAPTION_SPEAKER_MARKER:
      g_value_set_string(value, t.captions.speaker_marker.c_str());
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID(object, prop_id, pspec);
      break;
  }
}

/* ---- element ---- */

static GstStateChangeReturn gst_assemblyai_transcriber_change_state(
    GstElement *element,
    GstStateChange transition)
{
  auto *self = GST_ASSEMBLYAI_TRANSCRIBER(element);
  auto *p = self->priv;
  switch (transition) {
    case GST_STATE_CHANGE_NULL_TO_READY:
      p->stream.open();
      break;
    case GST_STATE_CHANGE_READY_TO_PAUSED:
      if (!p->stream.start())
        return GST_STATE_CHANGE_FAILURE;
      reset_tracker(p);
      {
        std::lock_guard<std::mutex> l(p->lock);
        p->text.detected_language.reset();
        p->input.reset();
        gst_segment_init(&p->segment, GST_FORMAT_TIME);
        gst_caps_replace(&p->caps, nullptr);
      }
      p->max_observed_delay_ms.store(0);
      set_pace_state(p, false, false);
      {
        std::lock_guard<std::mutex> l(p->pace_lock);
        p->played = false;
      }
      break;
    case GST_STATE_CHANGE_PAUSED_TO_PLAYING:
      set_pace_state(p, true, false);
      break;
    case GST_STATE_CHANGE_PAUSED_TO_READY:
      /* Unblock the streaming thread (pacing, drain) before the pads are
       * deactivated. */
      set_pace_state(p, false, true);
      p->stream.stop();
      break;
    default:
      break;
  }
  GstStateChangeReturn ret =
      GST_ELEMENT_CLASS(parent_class)->change_state(element, transition);
  if (ret == GST_STATE_CHANGE_FAILURE)
    return ret;

  switch (transition) {
    case GST_STATE_CHANGE_PAUSED_TO_PLAYING:
      /* base_time is set now: GAP deadlines can be computed. */
      for_each_output(p, [](aai::TextOutput &o) { o.wake(); });
      break;
    case GST_STATE_CHANGE_PLAYING_TO_PAUSED:
      set_pace_state(p, false, false);
      for_each_output(p, [](aai::TextOutput &o) { o.repreroll(); });
      break;
    case GST_STATE_CHANGE_READY_TO_NULL:
      p->stream.close();
      break;
    default:
      break;
  }
  return ret;
}

/* The pipeline asks its sinks (this element is one) where they are: for a
 * long job that is how far the transcription got. */
static gboolean gst_assemblyai_transcriber_query(GstElement *element,
                                                 GstQuery *query)
{
  auto *self = GST_ASSEMBLYAI_TRANSCRIBER(element);
  if (GST_QUERY_TYPE(query) == GST_QUERY_POSITION &&
      self->priv->stream.answer_position(query))
    return TRUE;
  return GST_ELEMENT_CLASS(parent_class)->query(element, query);
}

static void gst_assemblyai_transcriber_force_endpoint(
    GstAssemblyAITranscriber *self)
{
  self->priv->stream.force_endpoint();
}

static void gst_assemblyai_transcriber_finalize(GObject *object)
{
  auto *self = GST_ASSEMBLYAI_TRANSCRIBER(object);
  gst_caps_replace(&self->priv->caps, nullptr);
  delete self->priv;
  G_OBJECT_CLASS(parent_class)->finalize(object);
}

static void install_text_properties(GObjectClass *k)
{
  /**
   * GstAssemblyAITranscriber:latency:
   *
   * Milliseconds the service may take to deliver a word, added to the
   * pipeline latency with a live upstream. Also when GAPs are pushed. A
   * guint in ms, as transcriberbin expects.
   */
  g_object_class_install_property(
      k, PROP_LATENCY,
      g_param_spec_uint("latency", "Latency",
                        "Milliseconds allowed for a word to come back (added "
                        "to the pipeline latency with a live upstream)",
                        0, G_MAXUINT, DEFAULT_LATENCY_MS, aai::kRWLive));
  /**
   * GstAssemblyAITranscriber:lateness:
   *
   * Milliseconds added to the output segment's base: the text is shown this
   * much later than the audio, which gives the service more time without
   * raising the pipeline latency.
   */
  g_object_class_install_property(
      k, PROP_LATENESS,
      g_param_spec_uint("lateness", "Lateness",
                        "Milliseconds by which the text is shifted later "
                        "than its audio (output segment base)",
                        0, G_MAXUINT, DEFAULT_LATENESS_MS, aai::kRW));
  g_object_class_install_property(
      k, PROP_PACE,
      g_param_spec_boolean(
          "pace", "Pace",
          "Send non-live input in real time, as the service expects (FALSE: "
          "as fast as the service takes it)",
          TRUE, aai::kRW));
  g_object_class_install_property(
      k, PROP_FILTER_NON_SPEECH,
      g_param_spec_boolean("filter-non-speech", "Filter non-speech",
                           "Drop tags such as [Silence] and [Music] from the "
                           "text outputs",
                           FALSE, aai::kRW));
  g_object_class_install_property(
      k, PROP_CAPTION_CHARS_PER_LINE,
      g_param_spec_uint("caption-chars-per-line", "Caption characters per line",
                        "Characters per caption line (a longer word gets a "
                        "line of its own)",
                        8, 255, DEFAULT_CHARS_PER_LINE, aai::kRW));
  g_object_class_install_property(
      k, PROP_CAPTION_LINES,
      g_param_spec_uint("caption-lines", "Caption lines",
                        "Lines per caption cue", 1, 10, DEFAULT_CAPTION_LINES,
                        aai::kRW));
  g_object_class_install_property(
      k, PROP_CAPTION_MIN_DURATION,
      g_param_spec_uint("caption-min-duration", "Caption minimum duration",
                        "Milliseconds a cue is shown at least (never into the "
                        "next cue of the same turn)",
                        0, 60000, DEFAULT_CAPTION_MIN_MS, aai::kRW));
  g_object_class_install_property(
      k, PROP_CAPTION_MAX_DURATION,
      g_param_spec_uint("caption-max-duration", "Caption maximum duration",
                        "Milliseconds a cue may span at most", 500, 600000,
                        DEFAULT_CAPTION_MAX_MS, aai::kRW));
  g_object_class_install_property(
      k, PROP_CAPTION_SPEAKER_MARKER,
      g_param_spec_string("caption-speaker-marker", "Caption speaker marker",
                          "Start of the first caption cue of a new speaker "
                          "(with speaker-labels): \">> \" as in broadcast "
                          "captions, \"- \" as in subtitles, \"\" for none",
                          DEFAULT_CAPTION_SPEAKER_MARKER, aai::kRW));
  g_object_class_install_property(
      k, PROP_MAX_OBSERVED_DELAY,
      g_param_spec_uint("max-observed-delay", "Maximum observed delay",
                        "Largest delay (ms) seen between a word's audio and "
                        "the word, while audio runs in real time",
                        0, G_MAXUINT, 0, aai::kRO));
  g_object_class_install_property(
      k, PROP_LATE_WORDS,
      g_param_spec_uint64("late-words", "Late words",
                          "Words that arrived after their deadline and were "
                          "restamped to the earliest free position",
                          0, G_MAXUINT64, 0, aai::kRO));
}

static void gst_assemblyai_transcriber_class_init(
    GstAssemblyAITranscriberClass *klass)
{
  GObjectClass *gobject_class = G_OBJECT_CLASS(klass);
  GstElementClass *element_class = GST_ELEMENT_CLASS(klass);

  gobject_class->set_property = gst_assemblyai_transcriber_set_property;
  gobject_class->get_property = gst_assemblyai_transcriber_get_property;
  gobject_class->finalize = gst_assemblyai_transcriber_finalize;
  aai::install_shared_properties(gobject_class);
  install_text_properties(gobject_class);

  /**
   * GstAssemblyAITranscriber::force-endpoint:
   *
   * Action signal: ends the current turn now (sends ForceEndpoint).
   */
  transcriber_signals[SIGNAL_FORCE_ENDPOINT] = g_signal_new_class_handler(
      "force-endpoint", G_TYPE_FROM_CLASS(klass),
      static_cast<GSignalFlags>(G_SIGNAL_RUN_LAST | G_SIGNAL_ACTION),
      G_CALLBACK(gst_assemblyai_transcriber_force_endpoint), nullptr, nullptr,
      nullptr, G_TYPE_NONE, 0);

  /**
   * GstAssemblyAITranscriber::request-token:
   *
   * Emitted before every connection (the first, each reconnection and each
   * rollover) when a handler is connected; the handler returns a fresh
   * single-use temporary token (a newly allocated string), minted wherever
   * the application keeps its key. It runs on a worker thread and may
   * block. Returning %NULL is an error (RESOURCE/NOT_AUTHORIZED).
   *
   * Returns: (transfer full) (nullable): the token
   */
  transcriber_signals[SIGNAL_REQUEST_TOKEN] = g_signal_new(
      "request-token", G_TYPE_FROM_CLASS(klass), G_SIGNAL_RUN_LAST, 0,
      g_signal_accumulator_first_wins, nullptr, nullptr, G_TYPE_STRING, 0);

  gst_element_class_add_static_pad_template(element_class, &sink_template);
  gst_element_class_add_static_pad_template(element_class, &src_template);
  gst_element_class_add_static_pad_template(element_class, &caption_template);
  gst_element_class_set_static_metadata(
      element_class, "AssemblyAI speech-to-text transcriber",
      "Audio/Text/Filter",
      "Transcribes audio with AssemblyAI real-time speech-to-text into "
      "word-timed text and caption cues",
      "gst-assemblyai contributors");
  element_class->query = GST_DEBUG_FUNCPTR(gst_assemblyai_transcriber_query);
  element_class->change_state =
      GST_DEBUG_FUNCPTR(gst_assemblyai_transcriber_change_state);

  GST_DEBUG_CATEGORY_INIT(gst_assemblyai_transcriber_debug,
                          "assemblyaitranscriber", 0,
                          "AssemblyAI speech-to-text transcriber");
}

static GstPad *add_src_pad(GstAssemblyAITranscriber *self,
                           GstStaticPadTemplate *tmpl)
{
  GstPad *pad = gst_pad_new_from_static_template(tmpl, tmpl->name_template);
  gst_pad_set_query_function(
      pad, GST_DEBUG_FUNCPTR(gst_assemblyai_transcriber_src_query));
  gst_pad_set_activatemode_function(
      pad, GST_DEBUG_FUNCPTR(gst_assemblyai_transcriber_src_activate_mode));
  gst_pad_use_fixed_caps(pad);
  gst_element_add_pad(GST_ELEMENT(self), pad);
  return pad;
}

static void gst_assemblyai_transcriber_init(GstAssemblyAITranscriber *self)
{
  auto *p = new GstAssemblyAITranscriberPrivate(GST_ELEMENT(self));
  self->priv = p;
  gst_segment_init(&p->segment, GST_FORMAT_TIME);

  p->sinkpad = gst_pad_new_from_static_template(&sink_template, "sink");
  gst_pad_set_chain_function(
      p->sinkpad, GST_DEBUG_FUNCPTR(gst_assemblyai_transcriber_chain));
  gst_pad_set_event_function(
      p->sinkpad, GST_DEBUG_FUNCPTR(gst_assemblyai_transcriber_sink_event));
  gst_pad_set_query_function(
      p->sinkpad, GST_DEBUG_FUNCPTR(gst_assemblyai_transcriber_sink_query));
  gst_element_add_pad(GST_ELEMENT(self), p->sinkpad);
  p->input.install(GST_ELEMENT(self), p->sinkpad);

  p->words = std::make_unique<aai::TextOutput>(GST_ELEMENT(self),
                                               add_src_pad(self, &src_template),
                                               aai::TextOutput::Kind::Words);
  p->captions = std::make_unique<aai::TextOutput>(
      GST_ELEMENT(self), add_src_pad(self, &caption_template),
      aai::TextOutput::Kind::Captions);
  apply_text_settings(p);

  p->stream.set_hooks(
      [self](const aai::EventNotice &n) { on_server_event(self, n); },
      [self]() { abandon_turn(self); });
  p->stream.set_request_token_signal(transcriber_signals[SIGNAL_REQUEST_TOKEN]);
  /* Unlinked text pads are normal: as a sink, the bin waits for this
   * element's EOS. */
  GST_OBJECT_FLAG_SET(self, GST_ELEMENT_FLAG_SINK);
}
