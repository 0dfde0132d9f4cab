// gst-assemblyai — SPDX-License-Identifier: LGPL-2.1-or-later
//
// The `ws` WebSocket with permessage-deflate off (see
// sdk-no-deflate-hooks.mjs). `new WebSocket(url, options)` and
// `new WebSocket(url, protocols, options)` both keep their other options.
import WebSocket from "ws";

export default class NoDeflateWebSocket extends WebSocket {
  constructor(address, protocols, options) {
    if (protocols && typeof protocols === "object" && !Array.isArray(protocols)) {
      super(address, { ...protocols, perMessageDeflate: false });
    } else {
      super(address, protocols, { ...(options || {}), perMessageDeflate: false });
    }
  }
}
