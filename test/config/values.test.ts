import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { bucketName, Expected, parseCommand, parseDurationMs, parseList } from '../../lib/config/values.ts';

test('lists and commands', () => {
  assert.equal(parseList(' a, b ,,c '), ['a', 'b', 'c']);
  assert.equal(parseList('["x,y", "z"]'), ['x,y', 'z']);
  assert.equal(parseCommand('python  manage.py process_scrap'), ['python', 'manage.py', 'process_scrap']);
  assert.equal(parseCommand('["python", "manage.py", "run it"]'), ['python', 'manage.py', 'run it']);
});

test('durations', () => {
  assert.is(parseDurationMs('24'), 24 * 3_600_000);
  assert.is(parseDurationMs('90m'), 90 * 60_000);
  assert.is(parseDurationMs('2d'), 2 * 86_400_000);
  assert.is(parseDurationMs('1.5h'), 1.5 * 3_600_000);
  assert.is(parseDurationMs('soon'), undefined);
});

test("bucket names follow S3's rules (what MinIO and Ceph RGW refuse is refused here, before any request)", () => {
  for (const ok of ['abc', 'telegram', 'my.bucket.name', 'te-st', 'a'.repeat(63), 'bucket-2026'])
    assert.is(bucketName(ok), ok);
  const bad: Array<[string, RegExp]> = [
    ['ab', /3-63 lowercase/],
    ['a'.repeat(64), /3-63 lowercase/],
    ['Abc', /3-63 lowercase/],
    ['abc_d', /3-63 lowercase/],
    ['-abc', /starting and ending/],
    ['abc.', /starting and ending/],
    ['a..b', /no "\.\."/],
    ['a.-b', /next to "-"/],
    ['a-.b', /next to "-"/],
    ['192.168.1.1', /not an IP address/],
    ['xn--abc', /reserved prefix/],
    ['sthree-abc', /reserved prefix/],
    ['abc-s3alias', /suffix/],
    ['abc--ol-s3', /suffix/],
    ['', /a bucket name/],
  ];
  for (const [name, why] of bad)
    assert.throws(
      () => bucketName(name),
      (e: unknown) => e instanceof Expected && why.test(e.message),
      name,
    );
});

test.run();
