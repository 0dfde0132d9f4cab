/* gst-assemblyai
 * Copyright (C) 2026 gst-assemblyai contributors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "hostile_server.h"

#include <json-glib/json-glib.h>
#include <libsoup/soup.h>

#include <atomic>
#include <cstring>

#include "json_text.h"
#include "loop_thread.h"

namespace aai_test
{

const std::vector<std::vector<FixedWord>> kTurns = {
    {{"hello", 300, 700}, {"world", 800, 1200}},
    {{"this", 2000, 2300}, {"is", 2400, 2500}, {"hostile", 2600, 3200}},
};

namespace
{

std::string begin_frame(int n)
{
  JsonBuilder *b = json_builder_new();
  json_builder_begin_object(b);
  json_builder_set_member_name(b, "type");
  json_builder_add_string_value(b, "Begin");
  json_builder_set_member_name(b, "id");
  json_builder_add_string_value(b, ("hostile-" + std::to_string(n)).c_str());
  json_builder_set_member_name(b, "expires_at");
  json_builder_add_int_value(b, g_get_real_time() / G_USEC_PER_SEC + 3600);
  json_builder_end_object(b);
  std::string s = aai_emu::builder_to_string(b);
  g_object_unref(b);
  return s;
}

/* A final Turn of @words, numbered @order. */
std::string turn_frame(int64_t order, const std::vector<FixedWord> &words)
{
  JsonBuilder *b = json_builder_new();
  json_builder_begin_object(b);
  json_builder_set_member_name(b, "type");
  json_builder_add_string_value(b, "Turn");
  json_builder_set_member_name(b, "turn_order");
  json_builder_add_int_value(b, order);
  json_builder_set_member_name(b, "end_of_turn");
  json_builder_add_boolean_value(b, TRUE);
  json_builder_set_member_name(b, "turn_is_formatted");
  json_builder_add_boolean_value(b, FALSE);
  std::string transcript;
  json_builder_set_member_name(b, "words");
  json_builder_begin_array(b);
  for (const FixedWord &w : words) {
    transcript += (transcript.empty() ? "" : " ") + std::string(w.text);
    json_builder_begin_object(b);
    json_builder_set_member_name(b, "text");
    json_builder_add_string_value(b, w.text);
    json_builder_set_member_name(b, "start");
    json_builder_add_int_value(b, w.start);
    json_builder_set_member_name(b, "end");
    json_builder_add_int_value(b, w.end);
    json_builder_set_member_name(b, "confidence");
    json_builder_add_double_value(b, 0.9);
    json_builder_set_member_name(b, "word_is_final");
    json_builder_add_boolean_value(b, TRUE);
    json_builder_end_object(b);
  }
  json_builder_end_array(b);
  json_builder_set_member_name(b, "transcript");
  json_builder_add_string_value(b, transcript.c_str());
  json_builder_end_object(b);
  std::string s = aai_emu::builder_to_string(b);
  g_object_unref(b);
  return s;
}

std::string simple_frame(const char *type,
                         const char *key = nullptr,
                         const char *value = nullptr,
                         int code = 0)
{
  JsonBuilder *b = json_builder_new();
  json_builder_begin_object(b);
  json_builder_set_member_name(b, "type");
  json_builder_add_string_value(b, type);
  if (key) {
    json_builder_set_member_name(b, key);
    json_builder_add_string_value(b, value);
  }
  if (code) {
    json_builder_set_member_name(b, "error_code");
    json_builder_add_int_value(b, code);
  }
  json_builder_end_object(b);
  std::string s = aai_emu::builder_to_string(b);
  g_object_unref(b);
  return s;
}

/* The header of an unmasked server text frame of @len bytes (RFC 6455
 * §5.2): only for frames libsoup would refuse to send. */
std::string raw_text_header(uint64_t len)
{
  std::string h(1, static_cast<char>(0x81));
  if (len < 126) {
    h += static_cast<char>(len);
  } else if (len < 65536) {
    h += static_cast<char>(126);
    h += static_cast<char>(len >> 8);
    h += static_cast<char>(len & 0xff);
  } else {
    h += static_cast<char>(127);
    for (int i = 7; i >= 0; i--)
      h += static_cast<char>((len >> (8 * i)) & 0xff);
  }
  return h;
}
}  // namespace

struct Conn {
  HostileServer::Impl *server = nullptr;
  SoupWebsocketConnection *ws = nullptr;
  int n = 0;
  bool audio_seen = false;
  bool finished = false;
  std::string trickle; /* bytes still to trickle out */
  guint trickle_source = 0;
};

struct HostileServer::Impl {
  Misbehaviour m;
  aai_emu::LoopThread thread;
  SoupServer *server = nullptr;
  int port = 0;
  std::atomic<int> sessions{0};
  std::vector<Conn *> conns;
  /* Built before the server starts, not on its thread: under
   * AddressSanitizer with full malloc stacks, building 60,000 words takes
   * seconds, and a server thread that long deaf to the client's audio is
   * a dead link (a different case, DropAfterBegin). */
  std::string big_turn;

  void send(Conn *c, const std::string &text)
  {
    if (soup_websocket_connection_get_state(c->ws) == SOUP_WEBSOCKET_STATE_OPEN)
      soup_websocket_connection_send_text(c->ws, text.c_str());
  }
  void write_raw(Conn *c, const std::string &bytes)
  {
    GOutputStream *out = g_io_stream_get_output_stream(
        soup_websocket_connection_get_io_stream(c->ws));
    g_output_stream_write_all(out, bytes.data(), bytes.size(), nullptr, nullptr,
                              nullptr);
    g_output_stream_flush(out, nullptr, nullptr);
  }
  void honest_turns(Conn *c)
  {
    for (size_t i = 0; i < kTurns.size(); i++)
      send(c, turn_frame(static_cast<int64_t>(i), kTurns[i]));
  }

  void on_open(Conn *c)
  {
    if (m == Misbehaviour::NoBegin)
      return;
    send(c, begin_frame(c->n));
    if (m == Misbehaviour::DoubleBegin)
      send(c, begin_frame(c->n + 1000));
    if (m == Misbehaviour::DropAfterBegin)
      g_io_stream_close(soup_websocket_connection_get_io_stream(c->ws), nullptr,
                        nullptr);
  }

  /* The first audio frame: what the session says while audio flows. */
  void on_audio(Conn *c)
  {
    switch (m) {
      case Misbehaviour::Honest:
      case Misbehaviour::DoubleBegin:
        honest_turns(c);
        break;
      case Misbehaviour::Trickle: {
        std::string turn = turn_frame(0, kTurns[0]);
        c->trickle = raw_text_header(turn.size()) + turn;
        GSource *t = g_timeout_source_new(50);
        g_source_set_callback(
            t,
            [](gpointer d) -> gboolean {
              auto *cc = static_cast<Conn *>(d);
              if (cc->trickle.empty() || !cc->ws ||
                  soup_websocket_connection_get_state(cc->ws) !=
                      SOUP_WEBSOCKET_STATE_OPEN) {
                cc->trickle_source = 0;
                return G_SOURCE_REMOVE;
              }
              cc->server->write_raw(cc, cc->trickle.substr(0, 1));
              /* Never the last byte: the frame never completes. */
              if (cc->trickle.size() > 2)
                cc->trickle.erase(0, 1);
              return G_SOURCE_CONTINUE;
            },
            c, nullptr);
        c->trickle_source = g_source_attach(t, thread.context());
        g_source_unref(t);
        break;
      }
      case Misbehaviour::Oversized: {
        std::string big =
            "{\"type\":\"Turn\",\"turn_order\":0,\"transcript\":\"";
        big.append(65u << 20, 'a');
        big += "\"}";
        send(c, big);
        break;
      }
      case Misbehaviour::BigTurn:
        send(c, big_turn);
        break;
      case Misbehaviour::Truncated:
        send(c, "{\"type\":\"Turn\",\"turn_order\":0,\"end_of_turn\":fal");
        honest_turns(c);
        break;
      case Misbehaviour::InvalidUtf8: {
        std::string bad =
            "{\"type\":\"Turn\",\"turn_order\":0,\"end_of_turn\":false,"
            "\"transcript\":\"caf\xff\"}";
        write_raw(c, raw_text_header(bad.size()) + bad);
        break;
      }
      case Misbehaviour::BadTurnOrder:
        send(c, turn_frame(-1, kTurns[0]));
        send(c, turn_frame(int64_t{1} << 32, kTurns[0]));
        honest_turns(c);
        break;
      case Misbehaviour::OutOfOrder:
        send(c, turn_frame(1, kTurns[1]));
        send(c, turn_frame(1, kTurns[1]));
        send(c, turn_frame(0, kTurns[0]));
        send(c, turn_frame(1, kTurns[1]));
        break;
      case Misbehaviour::BinaryFrame: {
        static const char junk[] = {1, 2, 3, 4};
        soup_websocket_connection_send_binary(c->ws, junk, sizeof junk);
        honest_turns(c);
        break;
      }
      case Misbehaviour::ErrorNoClose:
        send(c, simple_frame("Error", "error", "Session Cancelled: hostile",
                             3005));
        break;
      default:
        break;
    }
  }

  void on_terminate(Conn *c)
  {
    switch (m) {
      case Misbehaviour::NoBegin:
      case Misbehaviour::Stall:
      case Misbehaviour::Trickle:
      case Misbehaviour::ErrorNoClose:
        return; /* silence */
      default:
        break;
    }
    send(c, simple_frame("Termination"));
    if (soup_websocket_connection_get_state(c->ws) == SOUP_WEBSOCKET_STATE_OPEN)
      soup_websocket_connection_close(c->ws, SOUP_WEBSOCKET_CLOSE_NORMAL,
                                      nullptr);
  }

  static void on_message(SoupWebsocketConnection *,
                         gint type,
                         GBytes *msg,
                         gpointer data)
  {
    auto *c = static_cast<Conn *>(data);
    if (type == SOUP_WEBSOCKET_DATA_BINARY) {
      if (!c->audio_seen) {
        c->audio_seen = true;
        c->server->on_audio(c);
      }
      return;
    }
    gsize n = 0;
    const char *text = static_cast<const char *>(g_bytes_get_data(msg, &n));
    if (std::string(text, n).find("\"Terminate\"") != std::string::npos &&
        !c->finished) {
      c->finished = true;
      c->server->on_terminate(c);
    }
  }

  static void on_closed(SoupWebsocketConnection *, gpointer data)
  {
    auto *c = static_cast<Conn *>(data);
    if (c->trickle_source) {
      GSource *s = g_main_context_find_source_by_id(c->server->thread.context(),
                                                    c->trickle_source);
      if (s)
        g_source_destroy(s);
      c->trickle_source = 0;
    }
  }

  void on_ws(SoupWebsocketConnection *ws)
  {
    auto *c = new Conn();
    c->server = this;
    c->ws = SOUP_WEBSOCKET_CONNECTION(g_object_ref(ws));
    c->n = ++sessions;
    conns.push_back(c);
    soup_websocket_connection_set_max_incoming_payload_size(ws, 0);
    g_signal_connect(ws, "message", G_CALLBACK(on_message), c);
    g_signal_connect(ws, "closed", G_CALLBACK(on_closed), c);
    on_open(c);
  }
};

HostileServer::HostileServer(Misbehaviour m) : impl_(new Impl())
{
  Impl *i = impl_.get();
  i->m = m;
  if (m == Misbehaviour::BigTurn) {
    const std::string word(kBigWordLength, 'w');
    std::vector<FixedWord> words;
    for (int n = 0; n < kBigTurnWords; n++)
      words.push_back({word.c_str(), n, n + 1});
    i->big_turn = turn_frame(0, words);
  }

  bool ok = i->thread.start("hostile-server", [i]() {
    i->server = soup_server_new(nullptr, nullptr);
    soup_server_add_websocket_handler(
        i->server, "/v3/ws", nullptr, nullptr,
        [](SoupServer *, SoupServerMessage *, const char *,
           SoupWebsocketConnection *c,
           gpointer d) { static_cast<Impl *>(d)->on_ws(c); },
        i, nullptr);
    GSocketAddress *addr =
        g_inet_socket_address_new_from_string("127.0.0.1", 0);
    gboolean listening = soup_server_listen(
        i->server, addr, (SoupServerListenOptions)0, nullptr);
    g_object_unref(addr);
    if (!listening)
      return false;
    GSList *listeners = soup_server_get_listeners(i->server);
    GSocketAddress *local =
        g_socket_get_local_address(G_SOCKET(listeners->data), nullptr);
    i->port = g_inet_socket_address_get_port(G_INET_SOCKET_ADDRESS(local));
    g_object_unref(local);
    g_slist_free(listeners);
    return true;
  });
  g_assert(ok);
}

HostileServer::~HostileServer()
{
  Impl *i = impl_.get();
  i->thread.stop(
      [i]() {
        for (Conn *c : i->conns) {
          g_signal_handlers_disconnect_by_data(c->ws, c);
          Impl::on_closed(c->ws, c);
          if (soup_websocket_connection_get_state(c->ws) !=
              SOUP_WEBSOCKET_STATE_CLOSED)
            g_io_stream_close(soup_websocket_connection_get_io_stream(c->ws),
                              nullptr, nullptr);
          g_object_unref(c->ws);
          delete c;
        }
        i->conns.clear();
        soup_server_disconnect(i->server);
        g_object_unref(i->server);
      },
      []() { return true; });
}

std::string HostileServer::ws_url() const
{
  return "ws://127.0.0.1:" + std::to_string(impl_->port) + "/v3/ws";
}

int HostileServer::sessions() const
{
  return impl_->sessions.load();
}

}  // namespace aai_test
