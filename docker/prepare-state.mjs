// At build time: the state folder (and its logs folder) owned by the user the sync runs as.
import fs from 'node:fs';

const [uid, gid] = [10001, 10001];
fs.mkdirSync('/state/logs', { recursive: true });
for (const dir of ['/state', '/state/logs']) fs.chownSync(dir, uid, gid);
