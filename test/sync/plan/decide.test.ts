// decideFile as a table: one row per rule, each with the facts it sees and what it decides.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { CacheEntry } from '../../../lib/sync/cache/types.ts';
import { decideFile, pickOriginal, type Decision, type FileFacts } from '../../../lib/sync/plan/decide.ts';
import type { ScannedFile } from '../../../lib/sync/scan/types.ts';

const file: ScannedFile = {
  source: { name: 'd', path: '/dl', keySegment: '' },
  absPath: '/dl/a.jpg',
  fsPath: '/dl/a.jpg',
  relPath: 'a.jpg',
  size: 10,
  mtimeMs: 1,
  ctimeMs: 2,
  ino: 3,
  dev: 1,
};
const entry = (over: Partial<CacheEntry> = {}): CacheEntry => ({
  path: file.absPath,
  key: 'a.jpg',
  sha256: 'S',
  size: 10,
  mtimeMs: 1,
  ctimeMs: 2,
  ino: 3,
  recordedAt: '',
  via: 'upload',
  ...over,
});
const base: FileFacts = { file, key: 'a.jpg', force: false };
const hashed = (over: Partial<FileFacts> = {}): FileFacts => ({ ...base, sha256: 'S', ...over });
const checked = (over: Partial<FileFacts> = {}): FileFacts => hashed({ remote: null, ...over });

const rows: Array<[string, FileFacts, Decision]> = [
  [
    "a matching stat is the scan's to settle (./unchanged.ts): a file passed on is hashed",
    { ...base, cached: entry() },
    { action: 'need', fact: 'hash' },
  ],
  ['no entry: hash it', base, { action: 'need', fact: 'hash' }],
  ['stat changed: hash it', { ...base, cached: entry({ ctimeMs: 9 }) }, { action: 'need', fact: 'hash' }],
  [
    'recorded under another key (prefix changed): hash it',
    { ...base, cached: entry({ key: 'old/a.jpg' }) },
    { action: 'need', fact: 'hash' },
  ],
  [
    '--force with a matching stat: hash it',
    { ...base, force: true, cached: entry() },
    { action: 'need', fact: 'hash' },
  ],
  ['--force once hashed: upload', hashed({ force: true, cached: entry() }), { action: 'upload' }],
  [
    "--force ignores the cache's holder of the same bytes: upload",
    hashed({ force: true, contentHolder: entry({ path: '/dl/b.jpg', key: 'b.jpg' }) }),
    { action: 'upload' },
  ],
  [
    '--force still sends the same bytes once per run: wait for the original',
    hashed({ force: true, inFlight: 'running' }),
    { action: 'need', fact: 'in-flight' },
  ],
  [
    '--force, the original landed: record a dedup',
    hashed({ force: true, inFlight: { uploadedAs: 'b.jpg' } }),
    { action: 'record', via: 'dedup', key: 'b.jpg' },
  ],
  [
    'touched but same content under this key: record as unchanged',
    hashed({ cached: entry({ ctimeMs: 9 }) }),
    { action: 'record', via: 'rehash', key: 'a.jpg' },
  ],
  [
    'same content held by another file: record a dedup',
    hashed({ contentHolder: entry({ path: '/dl/b.jpg', key: 'b.jpg' }) }),
    { action: 'record', via: 'dedup', key: 'b.jpg' },
  ],
  [
    'the content holder is this very file (recorded under an old key): ask the bucket',
    hashed({ contentHolder: entry({ key: 'old/a.jpg' }) }),
    { action: 'need', fact: 'remote' },
  ],
  [
    'same content being uploaded by another file: wait for it',
    hashed({ inFlight: 'running' }),
    { action: 'need', fact: 'in-flight' },
  ],
  [
    'that upload landed: record a dedup',
    hashed({ inFlight: { uploadedAs: 'b.jpg' } }),
    { action: 'record', via: 'dedup', key: 'b.jpg' },
  ],
  [
    'that upload failed: ask the bucket',
    hashed({ inFlight: { uploadedAs: null } }),
    { action: 'need', fact: 'remote' },
  ],
  ['nothing known about the bucket: ask it', hashed(), { action: 'need', fact: 'remote' }],
  [
    'a listing shows an object of the same size: stat it for its sha256',
    hashed({ remote: { size: 10, etag: 'e', listed: true } }),
    { action: 'need', fact: 'remote' },
  ],
  [
    'a listing shows an object of the same size whose ETag the read proved: adopt, no HEAD',
    hashed({ remote: { size: 10, etag: 'e', listed: true }, proof: true }),
    { action: 'record', via: 'adopted', key: 'a.jpg' },
  ],
  [
    'the same with --force: upload',
    hashed({ remote: { size: 10, etag: 'e', listed: true }, proof: true, force: true }),
    { action: 'upload' },
  ],
  [
    'a listing shows an object of another size: upload over it, no HEAD',
    hashed({ remote: { size: 99, etag: 'e', listed: true } }),
    { action: 'upload' },
  ],
  [
    'the bucket has it with the same size and sha256: adopt',
    hashed({ remote: { size: 10, sha256: 'S' } }),
    { action: 'record', via: 'adopted', key: 'a.jpg' },
  ],
  [
    'the bucket has other bytes under the key: upload over them',
    hashed({ remote: { size: 10, sha256: 'T' } }),
    { action: 'upload' },
  ],
  [
    'the bucket has an object without sha256 (old system): upload',
    hashed({ remote: { size: 10 } }),
    { action: 'upload' },
  ],
  ['nothing in the bucket: upload', checked(), { action: 'upload' }],
  [
    "the key holds another file's upload: conflict",
    checked({ keyOwner: entry({ path: '/dl/other.jpg', sha256: 'T' }) }),
    { action: 'conflict', detail: 'a.jpg already holds the upload of /dl/other.jpg (sha256 T…); not overwriting it' },
  ],
  [
    "the key holds another file's upload of the same bytes: upload",
    checked({ keyOwner: entry({ path: '/dl/other.jpg', sha256: 'S' }) }),
    { action: 'upload' },
  ],
  [
    "the key holds this file's earlier content: upload the new content",
    checked({ keyOwner: entry({ sha256: 'old' }) }),
    { action: 'upload' },
  ],
  // Taking over the old system's bucket (issue 11).
  [
    'an object of the same size without sha256 but with an ETag: prove it',
    hashed({ remote: { size: 10, etag: 'e' } }),
    { action: 'need', fact: 'proof' },
  ],
  [
    'its ETag proves the bytes: claim it (metadata only)',
    hashed({ remote: { size: 10, etag: 'e' }, proof: true }),
    { action: 'claim' },
  ],
  [
    'its ETag disproves the bytes: upload over it',
    checked({ remote: { size: 10, etag: 'e' }, proof: false }),
    { action: 'upload' },
  ],
  [
    'an encrypted object (its ETag is not an MD5): upload, no proof asked',
    hashed({ remote: { size: 10, etag: 'e', encrypted: true } }),
    { action: 'upload' },
  ],
  [
    'an object of another size without sha256: upload, no proof asked',
    hashed({ remote: { size: 11, etag: 'e' } }),
    { action: 'upload' },
  ],
  [
    '--force never claims: upload',
    hashed({ force: true, remote: { size: 10, etag: 'e' }, proof: true }),
    { action: 'upload' },
  ],
  [
    'a source not yet looked at: look at it',
    checked({ sources: [{ key: 'old/a.jpg', role: 'own' }] }),
    { action: 'need', fact: 'source' },
  ],
  [
    'its own old object holds the bytes: copy it on the server',
    checked({ sources: [{ key: 'old/a.jpg', role: 'own', proven: true, etag: 'x' }] }),
    { action: 'copy', from: 'old/a.jpg', etag: 'x' },
  ],
  [
    'the first source fails, the next is looked at',
    checked({
      sources: [
        { key: 'old/a.jpg', role: 'own', proven: false },
        { key: 'b.jpg', role: 'holder' },
      ],
    }),
    { action: 'need', fact: 'source' },
  ],
  [
    "another file's object holds the bytes (the old system's dedup): record a dedup of it",
    checked({
      sources: [
        { key: 'old/a.jpg', role: 'own', proven: false },
        { key: 'b.jpg', role: 'holder', proven: true },
      ],
    }),
    { action: 'record', via: 'dedup', key: 'b.jpg' },
  ],
  [
    'no source holds the bytes: upload',
    checked({ sources: [{ key: 'old/a.jpg', role: 'own', proven: false }] }),
    { action: 'upload' },
  ],
  [
    'a conflict on the key is reported before any source is tried',
    checked({
      keyOwner: entry({ path: '/dl/other.jpg', sha256: 'T' }),
      sources: [{ key: 'old/a.jpg', role: 'own', proven: true, etag: 'x' }],
    }),
    { action: 'conflict', detail: 'a.jpg already holds the upload of /dl/other.jpg (sha256 T…); not overwriting it' },
  ],
];

for (const [name, facts, expected] of rows) {
  test(name, () => assert.equal(decideFile(facts), expected));
}

test('pickOriginal: no daemon suffix, then the earliest ctime, then the shortest path, then path order', () => {
  const f = (relPath: string, ctimeMs = 1) => ({ relPath, absPath: `/dl/${relPath}`, ctimeMs });
  const table: Array<[string[], Array<[string, number]>]> = [
    [
      ['Song name.mp3'],
      [
        ['Song name-a1B2c3D4.mp3', 1],
        ['Song name.mp3', 2],
      ],
    ],
    [
      ['a.jpg'],
      [
        ['b.jpg', 5],
        ['a.jpg', 3],
      ],
    ],
    [
      ['x.jpg'],
      [
        ['x copy.jpg', 1],
        ['x.jpg', 1],
      ],
    ],
    [
      ['a.jpg'],
      [
        ['b.jpg', 1],
        ['a.jpg', 1],
      ],
    ],
    [
      ['clip-00000001.mp4'],
      [
        ['clip-00000001.mp4', 9],
        ['clip-a1b2c3d4.mp4', 9],
      ],
    ],
  ];
  for (const [[want], files] of table) assert.is(pickOriginal(files.map(([r, c]) => f(r, c))).relPath, want);
});

test('pickOriginal: no daemon suffix, then the earliest ctime, then the shortest path, then path order', () => {
  const f = (relPath: string, ctimeMs = 1) => ({ relPath, absPath: `/dl/${relPath}`, ctimeMs });
  const table: Array<[string[], Array<[string, number]>]> = [
    [
      ['Song name.mp3'],
      [
        ['Song name-a1B2c3D4.mp3', 1],
        ['Song name.mp3', 2],
      ],
    ],
    [
      ['a.jpg'],
      [
        ['b.jpg', 5],
        ['a.jpg', 3],
      ],
    ],
    [
      ['x.jpg'],
      [
        ['x copy.jpg', 1],
        ['x.jpg', 1],
      ],
    ],
    [
      ['a.jpg'],
      [
        ['b.jpg', 1],
        ['a.jpg', 1],
      ],
    ],
    [
      ['clip-00000001.mp4'],
      [
        ['clip-00000001.mp4', 9],
        ['clip-a1b2c3d4.mp4', 9],
      ],
    ],
  ];
  for (const [[want], files] of table) assert.is(pickOriginal(files.map(([r, c]) => f(r, c))).relPath, want);
});

test.run();
