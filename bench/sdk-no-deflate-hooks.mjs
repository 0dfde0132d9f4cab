// gst-assemblyai — SPDX-License-Identifier: LGPL-2.1-or-later
//
// Module hooks for sdk_client.mjs --no-deflate: the SDK's `import ws from
// 'ws'` gets sdk-no-deflate-ws.mjs instead, a WebSocket that does not offer
// permessage-deflate. The SDK itself is not touched; only what goes on the
// wire changes (the same wire as the plugin: no compression).
let sdkParent = null;
let wrapper = null;

export async function initialize(data) {
  sdkParent = data.sdkParent;
  wrapper = data.wrapper;
}

export async function resolve(specifier, context, nextResolve) {
  if (specifier === "ws" && context.parentURL) {
    if (context.parentURL === wrapper) {
      // The wrapper's own `ws` is the SDK's.
      return nextResolve(specifier, { ...context, parentURL: sdkParent });
    }
    if (context.parentURL.includes("/node_modules/assemblyai/")) {
      return { url: wrapper, shortCircuit: true };
    }
  }
  return nextResolve(specifier, context);
}
