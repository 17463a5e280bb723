// A WebSocket that keeps itself connected.
//
// The server only ever pushes (hello/batch, entries), so there is nothing to queue on our side: on every (re)connect
// the server starts over with a full `hello`, which is what lets the client recover from any gap.

/** ws(s)://<same host>/<path>, resolved against the page so it also works behind a path prefix. */
export function socketUrl(relativePath, base = window.location.href) {
  const url = new URL(relativePath, base);
  url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
  url.hash = '';
  return url.toString();
}

/**
 * Connects to `url`, parses every text message as JSON and hands it to `onMessage`.
 * Reconnects with capped exponential backoff (plus jitter, so many tabs don't stampede a restarted server).
 * `onStatus` receives 'connecting' | 'open' | 'closed' | 'stopped'.
 */
export function connectReconnecting(url, { onMessage, onStatus = () => {}, minDelayMs = 500, maxDelayMs = 10000 }) {
  let socket = null;
  let stopped = false;
  let retryTimer = null;
  let delay = minDelayMs;

  function open() {
    if (stopped) return;
    onStatus('connecting');
    try {
      socket = new WebSocket(url);
    } catch (err) {
      scheduleRetry();
      return;
    }
    socket.onopen = () => {
      delay = minDelayMs;
      onStatus('open');
    };
    socket.onmessage = (message) => {
      if (typeof message.data !== 'string') return;
      let parsed;
      try {
        parsed = JSON.parse(message.data);
      } catch (err) {
        console.warn('trafficviz: ignoring a message that is not JSON', err);
        return;
      }
      onMessage(parsed);
    };
    socket.onclose = () => {
      socket = null;
      if (stopped) return;
      onStatus('closed');
      scheduleRetry();
    };
    // An error is always followed by close; reconnecting is handled there.
    socket.onerror = () => {};
  }

  function scheduleRetry() {
    if (stopped) return;
    const wait = delay * (0.75 + Math.random() * 0.5);
    delay = Math.min(maxDelayMs, delay * 2);
    retryTimer = setTimeout(open, wait);
  }

  open();

  return {
    stop() {
      stopped = true;
      clearTimeout(retryTimer);
      if (socket) socket.close();
      socket = null;
      onStatus('stopped');
    },
  };
}
