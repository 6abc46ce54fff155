// Where the image's health check asks: the watch's /healthz at SYNC_METRICS_LISTEN, read as the
// sync reads it (lib/config/values.ts listenAddress; test/docker/healthcheck.test.ts holds the two
// to the same answers): "on" (or true, yes, 1) is 127.0.0.1:9464, a bare number is a port, and a
// wildcard address (0.0.0.0, ::) is asked on the loopback.
export function healthzUrl(listen = '') {
  const v = listen.trim().toLowerCase();
  if (!v || ['on', 'true', 'yes', '1'].includes(v)) return 'http://127.0.0.1:9464/healthz';
  const m = /^(?:(\[[0-9a-f:]+\]|[a-z0-9.-]*):)?(\d{1,5})$/.exec(v);
  if (!m) return 'http://127.0.0.1:9464/healthz';
  const host = (m[1] || '127.0.0.1').replace(/^\[|\]$/g, '');
  const asked = host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host;
  return `http://${asked.includes(':') ? `[${asked}]` : asked}:${m[2]}/healthz`;
}
