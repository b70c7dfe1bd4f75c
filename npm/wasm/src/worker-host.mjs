// Module worker script for @ruvector/wasm/worker in browsers (started by worker.mjs).
import api from './browser.mjs';
import { serve } from './worker-host-core.mjs';

serve(api, {
  onMessage: (fn) => { self.onmessage = (ev) => fn(ev.data); },
  post: (msg, transfer) => self.postMessage(msg, transfer),
});
