// The image's HEALTHCHECK: exit 0 when the watch's /healthz answers 200 (its last batch went
// through), 1 otherwise (a failed batch answers 503; no answer at all is a failure too), saying
// what it asked and what came back (`docker inspect` keeps it).
import { healthzUrl } from './healthz-url.mjs';

const url = healthzUrl(process.env.SYNC_METRICS_LISTEN);
fetch(url).then(
  (r) => {
    if (!r.ok) process.stderr.write(`${url}: ${r.status}\n`);
    process.exit(r.ok ? 0 : 1);
  },
  (e) => {
    process.stderr.write(`${url}: ${e.cause?.code ?? e.message}\n`);
    process.exit(1);
  },
);
