import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { ConfigError } from '../../../lib/errors.ts';
import { legacyHints, loadLegacyCache, parseLegacyCache } from '../../../lib/sync/cache/legacy.ts';
import { tempDir, writeFile } from '../../support/env.ts';

const H = (c: string) => c.repeat(64);

test('the old cache: its own object (spaces → underscores) first, then holders of the same bytes the old command skipped to', () => {
  const hints = legacyHints(
    parseLegacyCache(
      JSON.stringify({
        '/usr/share/Telegram-Files/chan/a photo.jpg': H('a'),
        '/usr/share/Telegram-Files/chan/copy of a.jpg': H('a'),
        '/usr/share/Telegram-Files/chan/b.jpg': H('b'),
        '/usr/share/combos/other/a.jpg': H('a'),
      }),
      'test',
    ),
  );
  assert.equal(hints.sourcesFor('chan/a photo.jpg', H('a')), [
    { key: 'chan/a_photo.jpg', role: 'own' },
    { key: 'chan/copy_of_a.jpg', role: 'holder' },
  ]);
  assert.equal(hints.sourcesFor('chan/copy of a.jpg', H('a')), [
    { key: 'chan/copy_of_a.jpg', role: 'own' },
    { key: 'chan/a_photo.jpg', role: 'holder' },
  ]);
  assert.equal(hints.sourcesFor('chan/b.jpg', H('c')), [], 'other bytes now: the hint does not apply');
  assert.equal(hints.sourcesFor('chan/unknown.jpg', H('a')), [], 'a file the old system never saw');
  assert.is(hints.entries, 4);
});

test('formats that are not the old cache are errors naming what was expected, not crashes', () => {
  const expectErr = (text: string, re: RegExp) =>
    assert.throws(
      () => parseLegacyCache(text, '--import-legacy-cache'),
      (e: unknown) => e instanceof ConfigError && re.test(e.problems[0]!),
    );
  expectErr(
    'not json',
    /^--import-legacy-cache: expected the cache of the old sync_telegram_files command: a JSON object mapping file paths to SHA-256 hex strings; it is not JSON/,
  );
  expectErr('[1,2]', /got an array/);
  expectErr('{"a": 1, "b": "xyz"}', /no entry has that form \(e\.g\. "a": 1, "b": "xyz"\)/);
  assert.throws(
    () => loadLegacyCache(`${tempDir('legacy')}/missing.json`, 'SYNC_LEGACY_CACHE'),
    /SYNC_LEGACY_CACHE: expected a readable file/,
  );
  const ok = writeFile(tempDir('legacy'), 'file_hashes.json', JSON.stringify({ '/x/y.txt': H('f'), weird: 5 }));
  assert.is(loadLegacyCache(ok, 'x').entries, 1, 'entries of other shapes are left out when some have the form');
});

test.run();
