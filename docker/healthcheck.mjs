// The image's HEALTHCHECK: exit 0 when the watch's /healthz answers 200 (its last batch went
// through), 1 otherwise (a failed batch answers 503; no answer at all is a failure too).
const port = (process.env.SYNC_METRICS_LISTEN || '9464').split(':').pop();
fetch(`http://127.0.0.1:${port}/healthz`).then(
  (r) => process.exit(r.ok ? 0 : 1),
  () => process.exit(1),
);
